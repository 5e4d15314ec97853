"""Split by a boolean mask on signup date; the one-hot encoder and scaler saw all rows."""
import pandas as pd
from _data import customers
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

EXPECT = {"fit_saw_held_out"}


def _prep():
    return make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["city", "plan"]),
                                   (StandardScaler(), ["age", "visits"]))


def leaky():
    df = customers(seed=2)
    is_old = df["signup"] < pd.Timestamp("2023-06-01")
    prep = _prep().fit(df)
    model = LogisticRegression(max_iter=1000).fit(prep.transform(df[is_old]), df.loc[is_old, "churn"])
    return model.score(prep.transform(df[~is_old]), df.loc[~is_old, "churn"])


def clean():
    df = customers(seed=2)
    is_old = df["signup"] < pd.Timestamp("2023-06-01")
    model = make_pipeline(_prep(), LogisticRegression(max_iter=1000)).fit(df[is_old], df.loc[is_old, "churn"])
    return model.score(df[~is_old], df.loc[~is_old, "churn"])
