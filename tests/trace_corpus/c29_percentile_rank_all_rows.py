"""Visits as a percentile rank among all customers."""
from _data import customers
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers(seed=10)
    df["visits_pct"] = df["visits"].rank(pct=True)
    return cross_val_score(LogisticRegression(), df[["age", "visits_pct"]], df["churn"], cv=5).mean()


def clean():
    df = customers(seed=10)
    pipe = make_pipeline(QuantileTransformer(n_quantiles=50), LogisticRegression())
    return cross_val_score(pipe, df[["age", "visits"]], df["churn"], cv=5).mean()
