# Correct, differently: gradient boosting on the honest columns, a 5-fold cross-validated claim, refitted on all rows, its own re-typed-copy matching; loses: nothing

# %% grade_id="leaky_columns"
leaky_columns = ("account_closed_days", "customer_id", "retention_offer_made")

# %% grade_id="drop_test_copies"
def _normalised(frame):
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(3)
        elif not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype(str).str.lower().str.split().str.join(" ")
    return pd.util.hash_pandas_object(out, index=False)


def drop_test_copies(train, test):
    """Return the rows of `test` that have no copy (exact or re-typed) in `train`."""
    return test[~_normalised(test).isin(set(_normalised(train)))]

# %% grade_id="train_honest_model"
def train_honest_model(frame):
    """Fit a churn model on `frame`; return (fitted model, ROC AUC expected on new customers)."""
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    categorical = ["region", "payment_method", "contract_type"]
    numeric = ["satisfaction_score", "support_calls", "monthly_charges", "tenure_months"]
    model = make_pipeline(
        make_column_transformer((OrdinalEncoder(), categorical), ("passthrough", numeric)),
        HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, categorical_features=[0, 1, 2],
                                       random_state=0),
    )
    X, y = frame.drop(columns="churned"), frame["churned"]
    claimed = cross_val_score(model, X, y, cv=5, scoring="roc_auc").mean()
    return model.fit(X, y), claimed

# %% [markdown] grade_id="written_legitimate_column"
# Only if the offer is made before the moment of prediction and recorded as of then; train and test on callers only.
