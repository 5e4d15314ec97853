# Correct, differently: gradient boosting tuned with GridSearchCV over customer folds of the training invoices, test customers from a GroupKFold fold and a cut-off date, issue_date also excluded; loses: nothing

# %% grade_id="excluded_columns"
excluded_columns = ["reminder_sent", "issue_date", "days_to_payment", "customer_id", "invoice_id"]

# %% grade_id="honest_split"
def honest_split(frame):
    """Split invoices into (train, test): test customers are new, test invoices come later."""
    _, test_pos = next(GroupKFold(n_splits=3).split(frame, groups=frame["customer_id"]))
    is_test_customer = frame["customer_id"].isin(frame["customer_id"].iloc[test_pos])
    cutoff = frame["issue_date"].min() + (frame["issue_date"].max() - frame["issue_date"].min()) * 0.65
    return (frame[~is_test_customer & (frame["issue_date"] <= cutoff)],
            frame[is_test_customer & (frame["issue_date"] > cutoff)])

# %% grade_id="fit_and_report"
def fit_and_report(train, test):
    """Fit a late-payment model on `train`; read `test` (a HeldOutSet) once; return (model, test ROC AUC)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    features = ["customer_segment", "region", "customer_credit_limit", "amount", "payment_terms_days",
                "discount_pct", "prior_invoices"]
    pipeline = make_pipeline(
        FunctionTransformer(tidy),
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["customer_segment", "region"]),
            ("passthrough", features[2:]),
        ),
        HistGradientBoostingClassifier(max_iter=40, learning_rate=0.1, random_state=0),
    )
    search = GridSearchCV(pipeline, {"histgradientboostingclassifier__max_leaf_nodes": [4, 8]},
                          cv=GroupKFold(n_splits=3), scoring="roc_auc")
    search.fit(train[features], train[TARGET], groups=train["customer_id"])
    invoices = test.get("the one read, for the report")
    return search, roc_auc_score(invoices[TARGET], search.predict_proba(invoices[features])[:, 1])

# %% [markdown] grade_id="written_report"
# You reported about 1.0; honestly the model scores about 0.7 on new customers' later invoices. The payment date, the reminder flag and the renumbered invoice IDs gave the answer away; the random split shared customers, copies and dates; preprocessing and tuning saw the test set. I dropped those columns, split by customer and date, tuned inside customer folds and read the test set once. 0.7 is good enough to order calls, not to decide alone.
