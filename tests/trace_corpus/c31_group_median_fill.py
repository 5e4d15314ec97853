"""Missing incomes filled with the median income of the customer's city, over all rows."""
from _data import customers
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}
COLS = ["age", "income", "visits"]


def leaky():
    df = customers(seed=12)
    df["income"] = df["income"].fillna(df.groupby("city")["income"].transform("median"))
    tr, te = train_test_split(df, random_state=0)
    return LogisticRegression(max_iter=1000).fit(tr[COLS], tr.churn).score(te[COLS], te.churn)


def clean():
    df = customers(seed=12)
    tr, te = train_test_split(df, random_state=0)
    med = tr.groupby("city")["income"].median()
    tr = tr.assign(income=tr["income"].fillna(tr["city"].map(med)))
    te = te.assign(income=te["income"].fillna(te["city"].map(med)))
    return LogisticRegression(max_iter=1000).fit(tr[COLS], tr.churn).score(te[COLS], te.churn)
