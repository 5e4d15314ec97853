"""Gaps in a numpy array filled with column means over every row."""
import numpy as np
from _data import xy
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline

EXPECT = {"statistic_saw_held_out"}


def _with_gaps():
    X, y = xy(seed=13)
    X = X.copy()
    X[np.random.default_rng(1).random(X.shape) < 0.1] = np.nan
    return X, y


def leaky():
    X, y = _with_gaps()
    col_mean = np.nanmean(X, axis=0)
    rows, cols = np.where(np.isnan(X))
    X[rows, cols] = np.take(col_mean, cols)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    return GaussianNB().fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    X, y = _with_gaps()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    return make_pipeline(SimpleImputer(), GaussianNB()).fit(X_tr, y_tr).score(X_te, y_te)
