"""Target encoding by hand: each city's churn rate over all rows, then cross-validation."""
from _data import customers
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score

EXPECT = {"statistic_saw_held_out"}


def leaky():
    df = customers()
    df["city_rate"] = df.groupby("city")["churn"].transform("mean")
    X, y = df[["age", "visits", "city_rate"]], df["churn"]
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    return cross_val_score(HistGradientBoostingClassifier(max_iter=30), X, y, cv=cv).mean()


def clean():
    df = customers()
    X, y = df[["age", "visits", "city"]], df["churn"]
    scores = []
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        rates = y.iloc[tr].groupby(X["city"].iloc[tr]).mean()
        X_tr = X.iloc[tr].assign(city_rate=X["city"].iloc[tr].map(rates)).drop(columns="city")
        X_te = X.iloc[te].assign(city_rate=X["city"].iloc[te].map(rates).fillna(y.iloc[tr].mean())).drop(columns="city")
        scores.append(HistGradientBoostingClassifier(max_iter=30).fit(X_tr, y.iloc[tr]).score(X_te, y.iloc[te]))
    return sum(scores) / len(scores)
