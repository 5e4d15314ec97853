# Names the leaky columns but still trains gradient boosting on every column, so its claim is far above what production sees; loses: test_claim_matches_production

# %% grade_id="leaky_columns"
leaky_columns = ["customer_id", "account_closed_days", "retention_offer_made"]

# %% grade_id="drop_test_copies"
def drop_test_copies(train, test):
    """Return the rows of `test` that have no copy (exact or re-typed) in `train`."""
    from leakkit.detect import duplicate_rows

    pairs = duplicate_rows(train, test, decimals=3, normalize_text=True)
    return test.drop(index=test.index[pairs["test_row"].unique()])

# %% grade_id="train_honest_model"
def train_honest_model(frame):
    """Fit a churn model on `frame`; return (fitted model, ROC AUC expected on new customers)."""
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    categorical = ["contract_type", "payment_method", "region"]
    model = make_pipeline(
        make_column_transformer((OrdinalEncoder(), categorical), remainder="passthrough"),
        HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=15, random_state=0),
    )
    X, y = frame.drop(columns="churned"), frame["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    model.fit(X_train, y_train)
    return model, roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
