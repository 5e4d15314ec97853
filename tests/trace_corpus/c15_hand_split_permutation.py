"""A split made with numpy (permutation, then slicing); the scaler saw every row."""
import numpy as np
from _data import xy
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

EXPECT = {"fit_saw_held_out"}


def leaky():
    X, y = xy(seed=9)
    idx = np.random.default_rng(0).permutation(len(X))
    cut = int(0.8 * len(X))
    train_idx, test_idx = idx[:cut], idx[cut:]
    scaler = StandardScaler().fit(X)
    clf = LogisticRegression().fit(scaler.transform(X[train_idx]), y[train_idx])
    return clf.score(scaler.transform(X[test_idx]), y[test_idx])


def clean():
    X, y = xy(seed=9)
    idx = np.random.default_rng(0).permutation(len(X))
    cut = int(0.8 * len(X))
    train_idx, test_idx = idx[:cut], idx[cut:]
    scaler = StandardScaler().fit(X[train_idx])
    clf = LogisticRegression().fit(scaler.transform(X[train_idx]), y[train_idx])
    return clf.score(scaler.transform(X[test_idx]), y[test_idx])
