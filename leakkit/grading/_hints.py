"""The hints of every part of every exercise, in the learner's terms: first a nudge (what to
think about), then a more specific one (which tool, which steps). Solutions are not here:
they come from the reference solutions (``_solutions.py``, generated)."""
from __future__ import annotations

HINTS: dict[str, dict[int, list[str]]] = {
    "direct_leakage": {
        1: [
            "Read `churn.description` column by column and ask one question of each: *when* is this value "
            "written? At the start of the month, when the model predicts, or later, after (or because) the "
            "customer left? A value that is filled in later is a leak, however innocent its name.",
            "Three columns: two are written only once a customer is leaving (something that happens at the "
            "end, and something the company does because of it), and one is an identifier whose numbers "
            "were handed out in a way that tells the outcome. `leakkit.detect.feature_power_table(churn.frame, "
            "'churned')` ranks the suspects; the description tells you which ones are legitimate. Write "
            "`leaky_columns = ['name_a', 'name_b', 'name_c']`.",
        ],
        2: [
            "A test row must go when some training row is the *same record*: compare whole rows, not one "
            "column. Re-typed copies differ only in the letter case and spaces of `product` and after the 3rd "
            "decimal of the numbers, so make both sides look alike before you compare.",
            "`leakkit.detect.duplicate_rows(train, test, decimals=3, normalize_text=True)` returns one row per "
            "copy found; its `test_row` column holds the *positions* of the copied test rows. Drop them with "
            "`test.drop(index=test.index[positions])`, which keeps the other rows with their index and every "
            "column.",
        ],
        3: [
            "Two separate jobs. First, the model itself must ignore the columns you named in Part 1 (production "
            "will send them too). Second, the claim must be measured on rows the model was not fitted on, "
            "once, with the model you return.",
            "Split `frame` with `train_test_split` (stratify on `churned`), build "
            "`make_pipeline(make_column_transformer((numeric_steps, numeric_columns), (OneHotEncoder("
            "handle_unknown='ignore'), category_columns)), LogisticRegression(max_iter=1000))` listing only the "
            "legitimate columns, fit it on the training part, and claim `roc_auc_score(y_test, "
            "model.predict_proba(X_test)[:, 1])`. Do not choose among seeds, models or stages by their test score.",
        ],
        4: [
            "What decides is not how well the column predicts, but *when* its value exists compared with the "
            "moment the prediction is made.",
            "Cover three things: the timing (is the offer made, and recorded, before the prediction?), a check "
            "in the data (timestamps of call, offer and closure; are offers made *because* a customer already "
            "decided to leave?), and which customers the model would then be trained and evaluated on.",
        ],
    },
    "split_preprocessing": {
        1: [
            "Split first, then fit. *Every* step, not only the classifier, must learn from the training rows "
            "only; the held-out rows are only transformed and scored.",
            "Put copies of the steps in one Pipeline: `make_pipeline(*[clone(step) for step in steps])`. Split "
            "with `train_test_split(X, y, test_size=test_size, random_state=random_state, stratify=y)`, fit the "
            "Pipeline on the training part, and return `float(model.score(X_test, y_test))`.",
        ],
        2: [
            "Compare a step that learns a mean from all rows with a step that looks at the labels.",
            "Say when the scaler's leak is tiny (many rows, stable data) and name a step where the same habit "
            "changes the score a lot (feature selection on wide data, target encoding of a category with many "
            "levels), with what you measured in notebooks 04 and 05; then say why a Pipeline makes the question "
            "moot.",
        ],
    },
    "cv_pipelines": {
        1: [
            "The columns must be chosen inside each fold, from that fold's training rows: put the selection in "
            "the Pipeline and cross-validate the whole Pipeline.",
            "`make_pipeline(StandardScaler(), SelectKBest(f_classif, k=20), LogisticRegression())`, then "
            "`cross_val_score(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0)).mean()`, "
            "returned as a float.",
        ],
        2: [
            "Groups: use a splitter that knows which rows belong together. Time: use a splitter that trains on "
            "the past only, and leaves `horizon` rows out between training and test.",
            "`cross_val_score(model, X, y, groups=groups, cv=GroupKFold(5)).mean()` for the patients; "
            "`-cross_val_score(model, X, y, cv=TimeSeriesSplit(5, gap=horizon), "
            "scoring='neg_mean_absolute_error').mean()` for the days (scikit-learn's error scorers are negated).",
        ],
        3: [
            "Two loops: an inner one chooses the setting, an outer one scores the chosen model on rows the inner "
            "loop never saw.",
            "A `GridSearchCV(estimator, param_grid, cv=3)` is itself an estimator: pass it to "
            "`cross_val_score(search, X, y, cv=5)` and return the mean. Each outer fold then runs its own search "
            "on its training part.",
        ],
        4: [
            "`best_score_` is the largest of many noisy scores measured on the same folds.",
            "Say in which direction it is off and why (the luckiest setting wins, the more so with more settings "
            "and fewer patients), what you would report instead (nested cross-validation, group-aware in both "
            "loops), and what `best_score_` is good for (comparing settings).",
        ],
    },
    "ai_evaluation": {
        1: [
            "Choose with the dev questions only; read the test questions once, after the choice is made, for the "
            "score.",
            "`best_params, _, _ = tune(documents, param_grid, dev)`, then "
            "`RetrievalQA(documents, **best_params).score(test.get())`: one `test.get()`, after `tune`. "
            "Return `(best_params, float(score))`.",
        ],
        2: [
            "Turn each text into its list of words (normalised), then into the set of its runs of `n` words "
            "(tuples). Build the reference texts' runs text by text, so that no run spans two texts.",
            "`words = normalize_text(text).split()`; `grams = {tuple(words[i:i + n]) for i in "
            "range(len(words) - n + 1)}`. An item is contaminated when one of its n-grams is among the "
            "references' n-grams. An item shorter than `n` words: look its whole word tuple up among the "
            "references' runs of that length. An item without words: False.",
        ],
        3: [
            "Two things make 0.82 optimistic: how the prompts and knobs were chosen, and where the few-shot "
            "examples came from.",
            "Say what a clean 13-gram scan proves (no verbatim copy of 13 words) and what it cannot see "
            "(paraphrases, short or reworded questions), then ask for a fresh test set, collected separately, "
            "read once.",
        ],
    },
    "checklist_capstone": {
        1: [
            "For each column, ask: is its value known on the day the invoice is issued? And for identifiers: "
            "would its number tell anything about a *new* invoice or a *new* customer?",
            "Four columns: two are only known after the due date (read `project.description`), two are "
            "identifiers (one of them was renumbered by the collections system, as the audit's findings show). "
            "Write `excluded_columns = ['name_a', ...]`.",
        ],
        2: [
            "Two rules at once: keep each customer on one side (a split by group), and cut the time line (train "
            "before a date, test after it). Invoices that break a rule are set aside.",
            "`GroupShuffleSplit(n_splits=1, test_size=0.35, random_state=0).split(frame, "
            "groups=frame['customer_id'])` gives the customers' sides; with `cutoff = "
            "frame['issue_date'].quantile(0.6)`, keep the training customers' invoices before the cut-off and "
            "the test customers' invoices on or after it. Return `(train, test)` as rows of `frame`.",
        ],
        3: [
            "A Pipeline that tidies the regions and uses only the columns known at issue time, fitted on "
            "`train` only; then one `test.get()`, for the score of the model you return.",
            "`make_pipeline(FunctionTransformer(tidy), make_column_transformer((make_pipeline(SimpleImputer("
            "strategy='median'), StandardScaler()), numeric_columns), (OneHotEncoder(handle_unknown='ignore'), "
            "['customer_segment', 'region'])), LogisticRegression(max_iter=1000))`; fit it on "
            "`train.drop(columns=TARGET)`, then `invoices = test.get()` and `roc_auc_score(invoices[TARGET], "
            "model.predict_proba(invoices.drop(columns=TARGET))[:, 1])`.",
        ],
        4: [
            "Give the two numbers (theirs and yours), then one sentence per leak: what it was and what you did.",
            "The leaks: columns known only after the due date, identifiers, the same customers and copied "
            "invoices on both sides, dates mixed, preprocessing fitted on test invoices, the setting chosen by "
            "test scores. End with what an AUC near 0.7 means for calling the riskiest customers first.",
        ],
    },
}
