# Chooses the regularisation by reading the test invoices for every setting, as the team did; loses: test_read_test_once

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
    best = None
    for C in (0.01, 0.1, 1.0):
        model = make_pipeline(
            FunctionTransformer(tidy),
            make_column_transformer(
                (make_pipeline(SimpleImputer(), StandardScaler()),
                 ["customer_credit_limit", "amount", "payment_terms_days", "discount_pct", "prior_invoices"]),
                (OneHotEncoder(handle_unknown="ignore"), ["customer_segment", "region"]),
            ),
            LogisticRegression(C=C, max_iter=1000),
        ).fit(train.drop(columns=TARGET), train[TARGET])
        invoices = test.get(f"try C={C}")  # wrong: the test set chooses C
        auc = roc_auc_score(invoices[TARGET], model.predict_proba(invoices.drop(columns=TARGET))[:, 1])
        if best is None or auc > best[1]:
            best = (model, auc)
    return best
