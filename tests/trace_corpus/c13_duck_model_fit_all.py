"""A CatBoost-style model (fit/predict, not a scikit-learn estimator) fitted on all rows."""
import numpy as np
from _data import xy
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

EXPECT = {"fit_saw_held_out"}


class TinyBooster:
    """Stumps on the first feature: fit(X, y), predict(data)."""

    def __init__(self, iterations=5):
        self.iterations = iterations

    def fit(self, X, y, eval_set=None, verbose=False):
        X = np.asarray(X)
        self.t_ = float(np.median(X[:, 0]))
        return self

    def predict(self, data):
        return (np.asarray(data)[:, 0] > self.t_).astype(int)


def leaky():
    X, y = xy(seed=7)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    model = TinyBooster().fit(X, y)
    return accuracy_score(y_te, model.predict(X_te))


def clean():
    X, y = xy(seed=7)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    model = TinyBooster().fit(X_tr, y_tr)
    return accuracy_score(y_te, model.predict(X_te))
