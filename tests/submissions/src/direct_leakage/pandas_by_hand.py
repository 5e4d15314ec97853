# Correct, differently: pandas all the way - a df.sample split, a hand-written transformer that learns medians and dummy columns from the training rows, a 1-based claim; loses: nothing

# %% grade_id="leaky_columns"
leaky_columns = list({"retention_offer_made", "account_closed_days", "customer_id"})

# %% grade_id="drop_test_copies"
def drop_test_copies(train, test):
    """Return the rows of `test` that have no copy (exact or re-typed) in `train`."""
    def key(df):
        parts = []
        for c in df.columns:
            col = df[c]
            if pd.api.types.is_string_dtype(col) or col.dtype == object:
                parts.append(col.astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True))
            elif pd.api.types.is_float_dtype(col):
                parts.append((col.round(3) + 0.0).astype(str))  # + 0.0: -0.0 and 0.0 are the same number
            else:
                parts.append(col.astype(str))
        return pd.concat(parts, axis=1).agg("|".join, axis=1)

    train_keys = set(key(train))
    return test.loc[~key(test).isin(train_keys).to_numpy()]

# %% grade_id="train_honest_model"
from sklearn.base import BaseEstimator, TransformerMixin


class ChurnFeatures(BaseEstimator, TransformerMixin):
    """Numbers with gaps filled by the training medians, categories as dummy columns of the training levels."""

    numbers = ["tenure_months", "monthly_charges", "support_calls", "satisfaction_score"]
    categories = ["contract_type", "payment_method", "region"]

    def fit(self, X, y=None):
        self.medians_ = X[self.numbers].median()
        self.columns_ = pd.get_dummies(X[self.categories].astype(str)).columns
        return self

    def transform(self, X):
        nums = X[self.numbers].fillna(self.medians_)
        dummies = pd.get_dummies(X[self.categories].astype(str)).reindex(columns=self.columns_, fill_value=0)
        return pd.concat([nums, dummies.astype(float)], axis=1).to_numpy()


def train_honest_model(frame):
    """Fit a churn model on `frame`; return (fitted model, ROC AUC expected on new customers)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    train = frame.sample(frac=0.75, random_state=11)
    held_out = frame.drop(index=train.index)
    features = [c for c in frame.columns if c != "churned"]
    model = Pipeline([("features", ChurnFeatures()), ("scale", StandardScaler()),
                      ("logit", LogisticRegression(C=0.5, max_iter=2000))])
    model.fit(train[features], train["churned"])
    scores = model.predict_proba(held_out[features])[:, 1]
    return model, roc_auc_score(held_out["churned"], scores)
