"""A 7-day centred rolling mean of sales: near the time split, training rows read future test rows."""
from _data import sales
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import TimeSeriesSplit, cross_val_score

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = sales(seed=1)
    df["roll7"] = df.groupby("store")["sales"].transform(lambda s: s.rolling(7, center=True, min_periods=1).mean())
    return cross_val_score(RandomForestRegressor(n_estimators=20, random_state=0), df[["promo", "roll7"]],
                           df["sales"], cv=TimeSeriesSplit(4)).mean()


def clean():
    df = sales(seed=1)
    df["roll7"] = df.groupby("store")["sales"].transform(lambda s: s.shift(1).rolling(7, min_periods=1).mean())
    df = df.dropna()
    return cross_val_score(RandomForestRegressor(n_estimators=20, random_state=0), df[["promo", "roll7"]],
                           df["sales"], cv=TimeSeriesSplit(4)).mean()
