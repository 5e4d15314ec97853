# Cheats: fits on every invoice it is given, never reads the test set, and reports the team's number; loses: test_report_runs, test_read_test_once, test_score_matches_production

# %% grade_id="excluded_columns"
excluded_columns = ["invoice_id", "customer_id", "days_to_payment", "reminder_sent", "issue_date"]

# %% grade_id="honest_split"
def honest_split(frame):
    """Split invoices into (train, test): test customers are new, test invoices come later."""
    test_customers = frame["customer_id"] % 3 == 0
    cutoff = pd.Timestamp("2024-04-01")
    return (frame[~test_customers & (frame["issue_date"] < cutoff)],
            frame[test_customers & (frame["issue_date"] >= cutoff)])

# %% grade_id="fit_and_report"
def fit_and_report(train, test):
    """Fit a late-payment model on `train`; read `test` (a HeldOutSet) once; return (model, test ROC AUC)."""
    model = make_pipeline(
        make_column_transformer((SimpleImputer(), ["customer_credit_limit", "amount"])),
        LogisticRegression(),
    ).fit(train.drop(columns=TARGET), train[TARGET])
    return model, 0.997
