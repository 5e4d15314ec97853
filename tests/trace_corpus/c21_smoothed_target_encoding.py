"""Kaggle-style smoothed (m-estimate) target encoding computed on the whole training file."""
from _data import customers
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import KFold, cross_val_score

EXPECT = {"statistic_saw_held_out"}


def _encode(values, target, m=20.0, fitted_on=None):
    fitted_on = target.index if fitted_on is None else fitted_on
    prior = target.loc[fitted_on].mean()
    stats = target.loc[fitted_on].groupby(values.loc[fitted_on]).agg(["mean", "count"])
    smooth = (stats["count"] * stats["mean"] + m * prior) / (stats["count"] + m)
    return values.map(smooth).fillna(prior)


def leaky():
    df = customers(seed=4)
    df["city_enc"] = _encode(df["city"], df["churn"])
    X = df[["age", "visits", "city_enc"]]
    return cross_val_score(GradientBoostingClassifier(n_estimators=30), X, df["churn"],
                           cv=KFold(5, shuffle=True, random_state=2)).mean()


def clean():
    df = customers(seed=4)
    out = []
    for tr, te in KFold(5, shuffle=True, random_state=2).split(df):
        enc = _encode(df["city"], df["churn"], fitted_on=df.index[tr])
        X = df[["age", "visits"]].assign(city_enc=enc)
        m = GradientBoostingClassifier(n_estimators=30).fit(X.iloc[tr], df["churn"].iloc[tr])
        out.append(m.score(X.iloc[te], df["churn"].iloc[te]))
    return out
