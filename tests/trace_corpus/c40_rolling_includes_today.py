"""A 7-day rolling mean of the target that includes today's value (no shift)."""
from _data import sales
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit, cross_validate

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = sales(seed=5)
    df["sales_7d"] = df.groupby("store")["sales"].transform(lambda s: s.rolling(7, min_periods=1).mean())
    return cross_validate(Ridge(), df[["promo", "sales_7d"]], df["sales"], cv=TimeSeriesSplit(3))["test_score"]


def clean():
    df = sales(seed=5)
    df["sales_7d"] = df.groupby("store")["sales"].transform(lambda s: s.shift(1).rolling(7, min_periods=1).mean())
    df = df.dropna()
    return cross_validate(Ridge(), df[["promo", "sales_7d"]], df["sales"], cv=TimeSeriesSplit(3))["test_score"]
