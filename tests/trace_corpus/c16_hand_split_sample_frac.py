"""train = df.sample(frac=0.8); test = df.drop(train.index); the imputer saw both."""
from _data import customers
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression

EXPECT = {"fit_saw_held_out"}
COLS = ["age", "income", "visits"]


def leaky():
    df = customers(seed=1)
    train = df.sample(frac=0.8, random_state=1)
    test = df.drop(train.index)
    imp = SimpleImputer(strategy="median").fit(df[COLS])
    m = LogisticRegression(max_iter=1000).fit(imp.transform(train[COLS]), train["churn"])
    return m.score(imp.transform(test[COLS]), test["churn"])


def clean():
    df = customers(seed=1)
    train = df.sample(frac=0.8, random_state=1)
    test = df.drop(train.index)
    imp = SimpleImputer(strategy="median").fit(train[COLS])
    m = LogisticRegression(max_iter=1000).fit(imp.transform(train[COLS]), train["churn"])
    return m.score(imp.transform(test[COLS]), test["churn"])
