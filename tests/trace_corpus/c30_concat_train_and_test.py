"""The Kaggle habit: concatenate train and test files, fill the gaps once, split back."""
import pandas as pd
from _data import customers
from sklearn.ensemble import RandomForestClassifier

EXPECT = {"statistic_saw_held_out"}
COLS = ["age", "income", "visits"]


def leaky():
    df = customers(seed=11)
    train, test = df.iloc[:300], df.iloc[300:]
    full = pd.concat([train, test])
    full["income"] = full["income"].fillna(full["income"].median())
    train, test = full.iloc[:300], full.iloc[300:]
    rf = RandomForestClassifier(n_estimators=20, random_state=0).fit(train[COLS], train["churn"])
    return rf.score(test[COLS], test["churn"])


def clean():
    df = customers(seed=11)
    train, test = df.iloc[:300].copy(), df.iloc[300:].copy()
    fill = train["income"].median()
    train["income"] = train["income"].fillna(fill)
    test["income"] = test["income"].fillna(fill)
    rf = RandomForestClassifier(n_estimators=20, random_state=0).fit(train[COLS], train["churn"])
    return rf.score(test[COLS], test["churn"])
