"""Per-customer averages over all visits, with visits of one customer on both sides of the folds."""
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, cross_val_score

EXPECT = {"statistic_saw_held_out"}


def _visits():
    rng = np.random.default_rng(21)
    d = pd.DataFrame({"customer": np.repeat([f"c{i:03d}" for i in range(80)], 5)})
    d["basket"] = rng.gamma(2.0, 20.0, len(d))
    d["returned"] = (d["basket"] + rng.normal(0, 15, len(d)) > 45).astype(int)
    d["avg_basket"] = d.groupby("customer")["basket"].transform("mean")
    d["n_visits"] = d.groupby("customer")["basket"].transform("count")
    return d


def leaky():
    d = _visits()
    X = d[["basket", "avg_basket", "n_visits"]]
    return cross_val_score(LogisticRegression(), X, d["returned"], cv=KFold(5, shuffle=True, random_state=0)).mean()


def clean():
    d = _visits()
    X = d[["basket", "avg_basket", "n_visits"]]
    return cross_val_score(LogisticRegression(), X, d["returned"], cv=GroupKFold(5), groups=d["customer"]).mean()
