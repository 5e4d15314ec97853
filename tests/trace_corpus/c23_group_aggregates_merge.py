"""Per-city aggregates of income (mean, max) over all rows, merged in as features."""
from _data import customers
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers(seed=6).dropna().reset_index(drop=True)
    agg = df.groupby("city", as_index=False).agg(city_inc_mean=("income", "mean"), city_inc_max=("income", "max"))
    df = df.merge(agg, on="city")
    X = df[["age", "visits", "city_inc_mean", "city_inc_max"]]
    return cross_val_score(RandomForestClassifier(n_estimators=25, random_state=0), X, df["churn"], cv=5).mean()


def clean():
    df = customers(seed=6).dropna().reset_index(drop=True)
    X = df[["age", "visits"]]
    return cross_val_score(RandomForestClassifier(n_estimators=25, random_state=0), X, df["churn"], cv=5).mean()
