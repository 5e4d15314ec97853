"""log1p of income (fine), then a z-score with the mean and std of every row (not fine)."""
import numpy as np
from _data import customers
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers(seed=8).dropna()
    df["log_inc"] = np.log1p(df["income"])
    df["log_inc"] = (df["log_inc"] - df["log_inc"].mean()) / df["log_inc"].std()
    X_tr, X_te, y_tr, y_te = train_test_split(df[["age", "log_inc"]], df["churn"], random_state=8)
    return LinearSVC().fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    df = customers(seed=8).dropna()
    df["log_inc"] = np.log1p(df["income"])  # per-row: no statistic
    X_tr, X_te, y_tr, y_te = train_test_split(df[["age", "log_inc"]], df["churn"], random_state=8)
    return make_pipeline(StandardScaler(), LinearSVC()).fit(X_tr, y_tr).score(X_te, y_te)
