# Trains a random forest with ten random seeds on one split and keeps the one with the best test AUC, which it claims; loses: test_no_leak

# %% grade_id="leaky_columns"
leaky_columns = ["account_closed_days", "retention_offer_made", "customer_id"]

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
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    X, y = frame.drop(columns="churned"), frame["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    best_model, best_auc = None, -1.0
    for seed in range(10):
        model = make_pipeline(
            make_column_transformer(
                (SimpleImputer(), ["tenure_months", "monthly_charges", "support_calls", "satisfaction_score"]),
                (OneHotEncoder(handle_unknown="ignore"), ["contract_type", "payment_method", "region"]),
            ),
            RandomForestClassifier(n_estimators=60, min_samples_leaf=10, random_state=seed),
        )
        model.fit(X_train, y_train)
        auc = roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
        if auc > best_auc:
            best_model, best_auc = model, auc
    return best_model, best_auc
