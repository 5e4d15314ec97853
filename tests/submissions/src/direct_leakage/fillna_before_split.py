# Fills the missing satisfaction scores with the mean of all rows, held-out ones included, before splitting (a pandas leak the tracer's estimator records do not show); loses: test_no_leak

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
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    # clean the data first
    frame["satisfaction_score"] = frame["satisfaction_score"].fillna(frame["satisfaction_score"].mean())
    frame["tenure_months"] = frame["tenure_months"].fillna(frame["tenure_months"].median())

    X = frame.drop(columns="churned")
    y = frame["churned"]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=42)
    model = make_pipeline(
        make_column_transformer(
            (make_pipeline(SimpleImputer(), StandardScaler()),  # production rows have gaps too
             ["tenure_months", "monthly_charges", "support_calls", "satisfaction_score"]),
            (OneHotEncoder(handle_unknown="ignore"), ["contract_type", "payment_method", "region"]),
        ),
        LogisticRegression(max_iter=1000),
    )
    model.fit(X_tr, y_tr)
    return model, roc_auc_score(y_te, model.predict_proba(X_te)[:, 1])
