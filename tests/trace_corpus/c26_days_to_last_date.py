"""'Days until the last date in the data': the last date belongs to the held-out period."""
from _data import customers
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers(seed=7).sort_values("signup").reset_index(drop=True)
    df["days_left"] = (df["signup"].max() - df["signup"]).dt.days
    X_tr, X_te, y_tr, y_te = train_test_split(df[["age", "visits", "days_left"]], df["churn"], shuffle=False)
    return LogisticRegression(max_iter=1000).fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    df = customers(seed=7).sort_values("signup").reset_index(drop=True)
    df["month"] = df["signup"].dt.month
    df["weekday"] = df["signup"].dt.dayofweek
    X_tr, X_te, y_tr, y_te = train_test_split(df[["age", "visits", "month", "weekday"]], df["churn"], shuffle=False)
    return LogisticRegression(max_iter=1000).fit(X_tr, y_tr).score(X_te, y_te)
