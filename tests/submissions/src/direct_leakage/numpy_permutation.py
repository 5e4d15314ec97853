# Correct, differently: the split is a numpy permutation of row positions, the model a random forest on a ColumnTransformer, the claim measured on the 30 % left over; loses: nothing

# %% grade_id="leaky_columns"
leaky_columns = list(np.array(["customer_id", "account_closed_days", "retention_offer_made"]))

# %% grade_id="drop_test_copies"
def drop_test_copies(train, test):
    """Return the rows of `test` that have no copy (exact or re-typed) in `train`."""
    from leakkit.detect import duplicate_rows

    hits = duplicate_rows(train, test, decimals=3, normalize_text=True)
    keep = np.ones(len(test), dtype=bool)
    keep[hits["test_row"].to_numpy()] = False
    return test.iloc[keep]

# %% grade_id="train_honest_model"
def train_honest_model(frame):
    """Fit a churn model on `frame`; return (fitted model, ROC AUC expected on new customers)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    rng = np.random.default_rng(2024)
    order = rng.permutation(len(frame))
    n_train = int(0.7 * len(frame))
    fit_rows, claim_rows = order[:n_train], order[n_train:]
    X = frame.drop(columns=["churned"])
    y = frame["churned"].to_numpy()
    prep = ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), ["tenure_months", "monthly_charges", "support_calls",
                                                   "satisfaction_score"]),
        ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
         ["contract_type", "payment_method", "region"]),
    ])
    forest = Pipeline([("prep", prep), ("rf", RandomForestClassifier(n_estimators=150, min_samples_leaf=20,
                                                                      random_state=7))])
    forest.fit(X.iloc[fit_rows], y[fit_rows])
    claim = roc_auc_score(y[claim_rows], forest.predict_proba(X.iloc[claim_rows])[:, 1])
    return forest, claim
