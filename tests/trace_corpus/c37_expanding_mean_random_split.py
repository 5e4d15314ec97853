"""A running (expanding) mean of past sales per store, then a shuffled split."""
from _data import sales
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}


def _features(df):
    df["past_mean"] = df.groupby("store")["sales"].transform(lambda s: s.shift(1).expanding().mean())
    return df.dropna()


def leaky():
    df = _features(sales(seed=2))
    a, b, c, d = train_test_split(df[["promo", "past_mean"]], df["sales"], random_state=0)
    return HistGradientBoostingRegressor(max_iter=30).fit(a, c).score(b, d)


def clean():
    df = _features(sales(seed=2))
    a, b, c, d = train_test_split(df[["promo", "past_mean"]], df["sales"], shuffle=False)
    return HistGradientBoostingRegressor(max_iter=30).fit(a, c).score(b, d)
