"""MinMaxScaler on all rows, then np.log1p, then split."""
import numpy as np
from _data import xy
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

EXPECT = {"fit_before_split"}


def leaky():
    X, y = xy(seed=4)
    X = np.log1p(MinMaxScaler().fit_transform(X))
    a, b, c, d = train_test_split(X, y, test_size=0.25, random_state=1)
    return LogisticRegression().fit(a, c).score(b, d)


def clean():
    X, y = xy(seed=4)
    a, b, c, d = train_test_split(X, y, test_size=0.25, random_state=1)
    scaler = MinMaxScaler().fit(a)
    a, b = np.log1p(scaler.transform(a)), np.log1p(np.clip(scaler.transform(b), 0, None))
    return LogisticRegression().fit(a, c).score(b, d)
