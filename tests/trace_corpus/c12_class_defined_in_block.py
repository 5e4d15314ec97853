"""A transformer class written in the notebook cell itself, fitted on all rows."""
import numpy as np
from _data import xy
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

EXPECT = {"fit_before_split"}


def _make_class():
    from sklearn.base import BaseEstimator, TransformerMixin

    class Winsor(TransformerMixin, BaseEstimator):
        def __init__(self, q=0.05):
            self.q = q

        def fit(self, X, y=None):
            self.lo_, self.hi_ = np.quantile(X, self.q, axis=0), np.quantile(X, 1 - self.q, axis=0)
            return self

        def transform(self, X):
            return np.clip(X, self.lo_, self.hi_)

    return Winsor


def leaky():
    Winsor = _make_class()
    X, y = xy(seed=6)
    return cross_val_score(LogisticRegression(), Winsor().fit_transform(X), y, cv=5).mean()


def clean():
    Winsor = _make_class()
    X, y = xy(seed=6)
    return cross_val_score(make_pipeline(Winsor(), LogisticRegression()), X, y, cv=5).mean()
