"""Tomorrow's sales (shift(-1)) as a feature: training rows at the split read test rows."""
from _data import sales
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = sales(seed=3)
    north = df[df["store"] == "north"].copy()
    north["next_sales"] = north["sales"].shift(-1)
    north = north.dropna()
    X_tr, X_te, y_tr, y_te = train_test_split(north[["promo", "next_sales"]], north["sales"], shuffle=False)
    return Ridge().fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    df = sales(seed=3)
    north = df[df["store"] == "north"].copy()
    north["prev_sales"] = north["sales"].shift(1)
    north = north.dropna()
    X_tr, X_te, y_tr, y_te = train_test_split(north[["promo", "prev_sales"]], north["sales"], shuffle=False)
    return Ridge().fit(X_tr, y_tr).score(X_te, y_te)
