# Correct, differently: median imputation, MinMaxScaler, a random forest, columns in another order, a 30 % split; loses: nothing

# %% grade_id="leaky_columns"
leaky_columns = ["retention_offer_made", "account_closed_days", "customer_id"]

# %% grade_id="drop_test_copies"
def drop_test_copies(train, test):
    """Return the rows of `test` that have no copy (exact or re-typed) in `train`."""
    from leakkit.detect import duplicate_rows

    copied = duplicate_rows(train, test, decimals=3, normalize_text=True)["test_row"]
    keep = np.ones(len(test), dtype=bool)
    keep[copied.to_numpy()] = False
    return test.iloc[keep]

# %% grade_id="train_honest_model"
def train_honest_model(frame):
    """Fit a churn model on `frame`; return (fitted model, ROC AUC expected on new customers)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler, OneHotEncoder

    model = Pipeline([
        ("columns", ColumnTransformer([
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["region", "contract_type", "payment_method"]),
            ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", MinMaxScaler())]),
             ["satisfaction_score", "tenure_months", "support_calls", "monthly_charges"]),
        ])),
        ("forest", RandomForestClassifier(n_estimators=100, min_samples_leaf=20, random_state=0)),
    ])
    X, y = frame.drop(columns="churned"), frame["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
    model.fit(X_train, y_train)
    return model, float(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
