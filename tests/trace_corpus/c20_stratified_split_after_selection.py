"""SelectKBest on all rows, then a stratified train_test_split."""
from _data import wide
from sklearn.feature_selection import SelectKBest, mutual_info_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

EXPECT = {"fit_before_split"}


def leaky():
    X, y = wide(seed=5, n=80, p=150)
    Xk = SelectKBest(mutual_info_classif, k=10).fit_transform(X, y)
    X_tr, X_te, y_tr, y_te = train_test_split(Xk, y, stratify=y, random_state=0)
    return LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    X, y = wide(seed=5, n=80, p=150)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, random_state=0)
    pipe = make_pipeline(SelectKBest(mutual_info_classif, k=10), LogisticRegression())
    return pipe.fit(X_tr, y_tr).score(X_te, y_te)
