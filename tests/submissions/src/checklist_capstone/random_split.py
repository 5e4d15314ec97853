# Splits the invoices at random, so customers (and copies of invoices) sit on both sides and the dates are mixed; loses: test_split_customers, test_split_time

# %% grade_id="excluded_columns"
excluded_columns = ["invoice_id", "customer_id", "days_to_payment", "reminder_sent"]

# %% grade_id="honest_split"
def honest_split(frame):
    """Split invoices into (train, test): test customers are new, test invoices come later."""
    from sklearn.model_selection import train_test_split

    return train_test_split(frame, test_size=0.25, random_state=0)  # wrong: random rows

# %% grade_id="fit_and_report"
def fit_and_report(train, test):
    """Fit a late-payment model on `train`; read `test` (a HeldOutSet) once; return (model, test ROC AUC)."""
    model = make_pipeline(
        FunctionTransformer(tidy),
        make_column_transformer(
            (make_pipeline(SimpleImputer(), StandardScaler()),
             ["customer_credit_limit", "amount", "payment_terms_days", "discount_pct", "prior_invoices"]),
            (OneHotEncoder(handle_unknown="ignore"), ["customer_segment", "region"]),
        ),
        LogisticRegression(max_iter=1000),
    )
    model.fit(train.drop(columns=TARGET), train[TARGET])
    invoices = test.get()
    return model, roc_auc_score(invoices[TARGET], model.predict_proba(invoices.drop(columns=TARGET))[:, 1])
