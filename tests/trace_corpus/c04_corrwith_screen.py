"""Keep the columns most correlated with the target (pandas corrwith), on all rows."""
import pandas as pd
from _data import wide
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_validate

EXPECT = {"statistic_saw_held_out"}


def _frame():
    X, y = wide(seed=3, p=200)
    return pd.DataFrame(X, columns=[f"g{i:03d}" for i in range(X.shape[1])]), pd.Series(y, name="label")


def leaky():
    X, y = _frame()
    top = X.corrwith(y).abs().sort_values(ascending=False).head(15).index
    return cross_validate(LogisticRegression(), X[top], y, cv=KFold(5, shuffle=True, random_state=1))["test_score"]


def clean():
    X, y = _frame()
    X.corrwith(y).describe()  # a look at all rows: only printed
    scores = []
    for tr, te in KFold(5, shuffle=True, random_state=1).split(X):
        top = X.iloc[tr].corrwith(y.iloc[tr]).abs().nlargest(15).index
        m = LogisticRegression().fit(X.iloc[tr][top], y.iloc[tr])
        scores.append(m.score(X.iloc[te][top], y.iloc[te]))
    return scores
