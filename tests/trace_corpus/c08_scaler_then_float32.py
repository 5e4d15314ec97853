"""StandardScaler on all rows, cast to float32 (to save memory), then split."""
import numpy as np
from _data import xy
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

EXPECT = {"fit_before_split"}


def leaky():
    X, y = xy()
    X = StandardScaler().fit_transform(X).astype(np.float32)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    return LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    X, y = xy()
    X = X.astype(np.float32)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(X_tr, y_tr).score(X_te, y_te)
