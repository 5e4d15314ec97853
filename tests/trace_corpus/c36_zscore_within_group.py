"""Income standardised within each city with the city's mean and std over all rows."""
from _data import customers
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers(seed=16).dropna()
    g = df.groupby("city")["income"]
    df["inc_z_city"] = (df["income"] - g.transform("mean")) / g.transform("std")
    return cross_val_score(LogisticRegression(), df[["age", "inc_z_city"]], df["churn"], cv=5).mean()


def clean():
    df = customers(seed=16).dropna()
    df["inc_per_visit"] = df["income"] / (df["visits"] + 1)  # per-row arithmetic
    return cross_val_score(LogisticRegression(max_iter=1000), df[["age", "inc_per_visit"]], df["churn"], cv=5).mean()
