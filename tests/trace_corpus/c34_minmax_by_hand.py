"""Min-max scaling written by hand over the whole frame."""
from _data import customers
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

EXPECT = {"statistic_saw_held_out"}
COLS = ["age", "visits"]


def leaky():
    df = customers(seed=14)
    X = df[COLS]
    X = (X - X.min()) / (X.max() - X.min())
    X_tr, X_te, y_tr, y_te = train_test_split(X, df["churn"], random_state=14)
    return KNeighborsClassifier(5).fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    df = customers(seed=14)
    X_tr, X_te, y_tr, y_te = train_test_split(df[COLS], df["churn"], random_state=14)
    lo, span = X_tr.min(), X_tr.max() - X_tr.min()
    return KNeighborsClassifier(5).fit((X_tr - lo) / span, y_tr).score((X_te - lo) / span, y_te)
