"""The last quarter held out in time order (shuffle=False), after scaling every row."""
from _data import sales
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

EXPECT = {"fit_before_split"}


def leaky():
    df = sales()
    X = StandardScaler().fit_transform(df[["promo"]].assign(t=range(len(df))))
    X_tr, X_te, y_tr, y_te = train_test_split(X, df["sales"], shuffle=False)
    return Ridge().fit(X_tr, y_tr).score(X_te, y_te)


def clean():
    df = sales()
    X = df[["promo"]].assign(t=range(len(df)))
    X_tr, X_te, y_tr, y_te = train_test_split(X, df["sales"], shuffle=False)
    return make_pipeline(StandardScaler(), Ridge()).fit(X_tr, y_tr).score(X_te, y_te)
