"""Frequency encoding: counts per plan and per city over every row, merged back."""
from _data import customers
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers(seed=5)
    counts = df["city"].value_counts().rename("city_count").reset_index()
    df = df.merge(counts, on="city", how="left")
    X_tr, X_te, y_tr, y_te = train_test_split(df[["age", "visits", "city_count"]], df["churn"], random_state=5)
    return LogisticRegression(max_iter=1000).fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    df = customers(seed=5)
    train, test = train_test_split(df, random_state=5)
    counts = train["city"].value_counts()
    train = train.assign(city_count=train["city"].map(counts))
    test = test.assign(city_count=test["city"].map(counts).fillna(0))
    cols = ["age", "visits", "city_count"]
    return LogisticRegression(max_iter=1000).fit(train[cols], train["churn"]).score(test[cols], test["churn"])
