"""Three settings, each cross-validated in parallel on the same folds; the best one kept."""
from _data import xy
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split

EXPECT = {"test_reuse"}


def leaky():
    X, y = xy(seed=8)
    results = {C: cross_val_score(LogisticRegression(C=C), X, y, cv=5, n_jobs=2).mean() for C in (0.01, 1.0, 100.0)}
    return max(results, key=results.get)


def clean():
    X, y = xy(seed=8)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    grid = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0, 100.0]}, cv=5, n_jobs=2).fit(X_tr, y_tr)
    return grid.score(X_te, y_te)
