# Takes customer_id for a harmless identifier: leaves it out of leaky_columns and feeds it to the model; loses: test_leaky_columns, test_claim_matches_production

# %% grade_id="leaky_columns"
leaky_columns = ["account_closed_days", "retention_offer_made"]

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

    numeric = ["customer_id", "tenure_months", "monthly_charges", "support_calls", "satisfaction_score"]
    categorical = ["contract_type", "payment_method", "region"]
    model = make_pipeline(
        make_column_transformer(
            (make_pipeline(SimpleImputer(), StandardScaler()), numeric),
            (OneHotEncoder(handle_unknown="ignore"), categorical),
        ),
        LogisticRegression(max_iter=1000),
    )
    X, y = frame.drop(columns="churned"), frame["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=1)
    model.fit(X_train, y_train)
    return model, roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])

# %% [markdown] grade_id="written_legitimate_column"
# Yes: if the offer is known when we predict, the column is legitimate.
