"""Columns whose |correlation| with the target passes a threshold, from df.corr() on all rows."""
import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import cross_val_score, train_test_split

EXPECT = {"statistic_saw_held_out"}


def _data():
    rng = np.random.default_rng(11)
    df = pd.DataFrame(rng.normal(size=(120, 40)), columns=[f"sensor_{i}" for i in range(40)])
    df["target"] = rng.integers(0, 2, 120)
    return df


def leaky():
    df = _data()
    corr = df.corr()["target"].drop("target")
    keep = corr[corr.abs() > corr.abs().quantile(0.8)].index.tolist()
    return cross_val_score(RidgeClassifier(), df[keep], df["target"], cv=4).mean()


def clean():
    df = _data()
    train, test = train_test_split(df, test_size=0.25, random_state=0)
    corr = train.corr()["target"].drop("target")
    keep = corr[corr.abs() > corr.abs().quantile(0.8)].index.tolist()
    return RidgeClassifier().fit(train[keep], train["target"]).score(test[keep], test["target"])
