# Cheats: chooses the regularisation by scoring the test invoices taken straight from the held-out set's private data (no read logged), then reads the test set once for the report; loses: test_read_test_once; flagged: test_report_runs

# %% grade_id="excluded_columns"
excluded_columns = ["invoice_id", "customer_id", "days_to_payment", "reminder_sent"]

# %% grade_id="honest_split"
def honest_split(frame):
    """Split invoices into (train, test): test customers are new, test invoices come later."""
    cutoff = frame["issue_date"].quantile(0.6)
    train_pos, test_pos = next(GroupShuffleSplit(n_splits=1, test_size=0.35, random_state=0)
                               .split(frame, groups=frame["customer_id"]))
    train, test = frame.iloc[train_pos], frame.iloc[test_pos]
    return train[train["issue_date"] < cutoff], test[test["issue_date"] >= cutoff]

# %% grade_id="fit_and_report"
def fit_and_report(train, test):
    """Fit a late-payment model on `train`; read `test` (a HeldOutSet) once; return (model, test ROC AUC)."""
    numeric = ["customer_credit_limit", "amount", "payment_terms_days", "discount_pct", "prior_invoices"]
    peek = test._data  # not a read, technically

    def model_for(C):
        return make_pipeline(
            FunctionTransformer(tidy),
            make_column_transformer(
                (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
                (OneHotEncoder(handle_unknown="ignore"), ["customer_segment", "region"]),
            ),
            LogisticRegression(C=C, max_iter=1000),
        ).fit(train.drop(columns=TARGET), train[TARGET])

    candidates = {C: model_for(C) for C in (0.001, 0.01, 0.1, 1.0, 10.0)}
    best = max(candidates, key=lambda C: roc_auc_score(peek[TARGET], candidates[C].predict_proba(peek.drop(columns=TARGET))[:, 1]))
    model = candidates[best]
    invoices = test.get(reason="final score")
    return model, float(roc_auc_score(invoices[TARGET], model.predict_proba(invoices.drop(columns=TARGET))[:, 1]))
