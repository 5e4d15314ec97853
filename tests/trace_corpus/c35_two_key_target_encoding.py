"""Churn rate per (city, plan) pair over all rows, merged back as a feature."""
from _data import customers
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers(seed=15)
    rate = df.groupby(["city", "plan"])["churn"].mean().rename("pair_rate").reset_index()
    df = df.merge(rate, on=["city", "plan"], how="left")
    X_tr, X_te, y_tr, y_te = train_test_split(df[["age", "pair_rate"]], df["churn"], random_state=15)
    return LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    df = customers(seed=15)
    tr, te = train_test_split(df, random_state=15)
    rate = tr.groupby(["city", "plan"])["churn"].mean().rename("pair_rate").reset_index()
    tr = tr.merge(rate, on=["city", "plan"], how="left")
    te = te.merge(rate, on=["city", "plan"], how="left").fillna({"pair_rate": tr["churn"].mean()})
    return LogisticRegression().fit(tr[["age", "pair_rate"]], tr["churn"]).score(te[["age", "pair_rate"]], te["churn"])
