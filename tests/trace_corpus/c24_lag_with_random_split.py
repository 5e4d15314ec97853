"""Yesterday's sales as a feature, then a shuffled split: training rows carry test rows' targets."""
from _data import sales
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}
FEATS = ["promo", "sales_lag1", "sales_lag7"]


def _features(df):
    g = df.groupby("store")["sales"]
    return df.assign(sales_lag1=g.shift(1), sales_lag7=g.shift(7)).dropna()


def leaky():
    df = _features(sales())
    X_tr, X_te, y_tr, y_te = train_test_split(df[FEATS], df["sales"], test_size=0.2, random_state=0)
    return Ridge().fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    df = _features(sales())
    X_tr, X_te, y_tr, y_te = train_test_split(df[FEATS], df["sales"], test_size=0.2, shuffle=False)
    return Ridge().fit(X_tr, y_tr).score(X_te, y_te)
