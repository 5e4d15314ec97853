# Picks the number of boosting stages by the test AUC of each stage (staged_predict_proba), then claims the best one: the test rows chose the model; loses: test_no_leak

# %% grade_id="leaky_columns"
leaky_columns = ["customer_id", "retention_offer_made", "account_closed_days"]

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
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    X, y = frame.drop(columns="churned"), frame["churned"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=3, stratify=y)
    prep = make_column_transformer(
        (SimpleImputer(strategy="median"), ["tenure_months", "monthly_charges", "support_calls", "satisfaction_score"]),
        (OrdinalEncoder(), ["contract_type", "payment_method", "region"]),
    )
    model = make_pipeline(prep, GradientBoostingClassifier(n_estimators=120, learning_rate=0.3, max_depth=2,
                                                           random_state=0))
    model.fit(X_train, y_train)
    # how many trees is best? look at every stage on the test rows
    test_features = model[:-1].transform(X_test)
    aucs = [roc_auc_score(y_test, p[:, 1]) for p in model[-1].staged_predict_proba(test_features)]
    best = int(np.argmax(aucs)) + 1
    model.set_params(gradientboostingclassifier__n_estimators=best)
    model.fit(X_train, y_train)
    return model, roc_auc_score(y_test, model.predict_proba(X_test)[:, 1])
