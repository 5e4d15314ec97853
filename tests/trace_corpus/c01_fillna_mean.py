"""Missing incomes filled with the mean of every row, then a train/test split."""
from _data import customers
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

EXPECT = {"statistic_saw_held_out"}
FEATURES = ["age", "income", "visits"]


def leaky():
    df = customers()
    df = df.fillna(df.mean(numeric_only=True))
    X_train, X_test, y_train, y_test = train_test_split(df[FEATURES], df["churn"], test_size=0.2, random_state=42)
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    return model.score(X_test, y_test)


def clean():
    df = customers()
    X_train, X_test, y_train, y_test = train_test_split(df[FEATURES], df["churn"], test_size=0.2, random_state=42)
    means = X_train.mean()
    X_train, X_test = X_train.fillna(means), X_test.fillna(means)
    model = LogisticRegression(max_iter=1000).fit(X_train, y_train)
    return model.score(X_test, y_test)
