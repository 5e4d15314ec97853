# Takes invoice_id and customer_id for harmless numbers: leaves them out of excluded_columns and feeds them to the model; loses: test_excluded_columns, test_score_matches_production

# %% grade_id="excluded_columns"
excluded_columns = ["days_to_payment", "reminder_sent"]

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
    numeric = ["invoice_id", "customer_id", "customer_credit_limit", "amount", "payment_terms_days", "discount_pct",
               "prior_invoices"]
    model = make_pipeline(
        FunctionTransformer(tidy),
        make_column_transformer(
            (make_pipeline(SimpleImputer(), StandardScaler()), numeric),
            (OneHotEncoder(handle_unknown="ignore"), ["customer_segment", "region"]),
        ),
        LogisticRegression(max_iter=1000),
    )
    model.fit(train.drop(columns=TARGET), train[TARGET])
    invoices = test.get()
    return model, roc_auc_score(invoices[TARGET], model.predict_proba(invoices.drop(columns=TARGET))[:, 1])

# %% [markdown] grade_id="written_report"
# The score is fine once the payment date and the reminder flag are dropped.
