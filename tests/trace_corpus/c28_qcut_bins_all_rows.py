"""Income deciles with pd.qcut over every row, as a feature."""
import pandas as pd
from _data import customers
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import KBinsDiscretizer
from sklearn.tree import DecisionTreeClassifier

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers(seed=9).dropna()
    df["inc_decile"] = pd.qcut(df["income"], 10, labels=False)
    return cross_val_score(DecisionTreeClassifier(max_depth=3), df[["age", "inc_decile"]], df["churn"], cv=5).mean()


def clean():
    df = customers(seed=9).dropna()
    pipe = make_pipeline(KBinsDiscretizer(10, encode="ordinal", strategy="quantile", quantile_method="averaged_inverted_cdf"),
                         DecisionTreeClassifier(max_depth=3))
    return cross_val_score(pipe, df[["age", "income"]], df["churn"], cv=5).mean()
