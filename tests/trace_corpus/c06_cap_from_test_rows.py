"""Incomes capped at the 99th percentile of the *test* rows."""
from _data import customers
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}


def _split():
    df = customers().dropna()
    return train_test_split(df[["age", "income", "visits"]], df["churn"], random_state=7)


def leaky():
    X_tr, X_te, y_tr, y_te = _split()
    cap = X_te["income"].quantile(0.9)
    X_tr = X_tr.assign(income=X_tr["income"].clip(upper=cap))
    X_te = X_te.assign(income=X_te["income"].clip(upper=cap))
    return RandomForestClassifier(n_estimators=20, random_state=0).fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    X_tr, X_te, y_tr, y_te = _split()
    cap = X_tr["income"].quantile(0.9)
    X_tr, X_te = (X.assign(income=X["income"].clip(upper=cap)) for X in (X_tr, X_te))
    return RandomForestClassifier(n_estimators=20, random_state=0).fit(X_tr, y_tr).score(X_te, y_te)
