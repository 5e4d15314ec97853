"""Each side filled with its own median: the test rows are filled with a statistic of the test rows."""
from _data import customers
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}
COLS = ["age", "income", "visits"]


def leaky():
    df = customers()
    train, test = train_test_split(df, test_size=0.3, random_state=3)
    train = train.fillna(train[COLS].median())
    test = test.fillna(test[COLS].median())
    return LogisticRegression(max_iter=1000).fit(train[COLS], train.churn).score(test[COLS], test.churn)


def clean():
    df = customers()
    train, test = train_test_split(df, test_size=0.3, random_state=3)
    med = train[COLS].median()
    train, test = train.fillna(med), test.fillna(med)
    return LogisticRegression(max_iter=1000).fit(train[COLS], train.churn).score(test[COLS], test.churn)
