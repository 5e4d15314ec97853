"""train_test_split is called, then the model is fitted on all rows and scored on training rows."""
from _data import xy
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

EXPECT = {"no_held_out"}


def leaky():
    X, y = xy(seed=10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    rf = RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y)
    return rf.score(X_train, y_train)


def clean():
    X, y = xy(seed=10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    rf = RandomForestClassifier(n_estimators=30, random_state=0).fit(X_train, y_train)
    return rf.score(X_train, y_train), rf.score(X_test, y_test)
