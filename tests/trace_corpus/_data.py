"""Seeded data for the tracer corpus: small tables of the kinds the scripts work on."""
import numpy as np
import pandas as pd


def customers(seed: int = 0, n: int = 400) -> pd.DataFrame:
    """Customers with numbers, categories, a date, missing incomes and a churn target."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "age": rng.normal(45, 12, n),
        "income": rng.lognormal(10.5, 0.6, n).round(2),
        "city": rng.choice(["paris", "lyon", "nice", "lille", "metz", "brest", "dijon", "caen"], n),
        "plan": rng.choice(["basic", "plus", "pro"], n, p=[0.6, 0.3, 0.1]),
        "signup": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        "visits": rng.poisson(6, n),
    })
    df.loc[rng.choice(n, n // 8, replace=False), "income"] = np.nan
    city_effect = df["city"].map({"paris": 0.8, "lyon": 0.3, "nice": -0.2, "lille": 0.0, "metz": -0.5,
                                  "brest": 0.1, "dijon": -0.3, "caen": 0.4})
    logit = 0.04 * (df["age"] - 45) - 0.15 * df["visits"] + city_effect + rng.normal(0, 1, n)
    df["churn"] = (logit > -0.6).astype(int)
    return df


def sales(seed: int = 0, n_days: int = 150, stores: tuple = ("north", "south", "east")) -> pd.DataFrame:
    """Daily sales per store, sorted by date: autocorrelated, with promotions."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-01-01", periods=n_days)
    rows = []
    for s_i, store in enumerate(stores):
        level = 100 + 25 * s_i
        noise = 0.0
        for d in days:
            noise = 0.7 * noise + rng.normal(0, 8)
            promo = int(rng.random() < 0.2)
            rows.append((d, store, promo, level + 15 * promo + noise))
    df = pd.DataFrame(rows, columns=["date", "store", "promo", "sales"])
    return df.sort_values(["date", "store"], kind="stable").reset_index(drop=True)


def wide(seed: int = 0, n: int = 60, p: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Pure noise: many columns, few rows, labels unrelated to them."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, p)), rng.permutation(np.arange(n) % 2)


def xy(seed: int = 0, n: int = 300, p: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Numbers with a signal in the first column."""
    rng = np.random.default_rng(seed)
    X = rng.lognormal(0, 0.5, size=(n, p))
    y = (X[:, 0] + rng.normal(0, 0.5, n) > 1.1).astype(int)
    return X, y
