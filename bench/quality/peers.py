"""scikit-learn peers of the quality benchmark: one JSON line per dataset and model on stdout.

Usage: python3 peers.py DATASET_DIR [--jobs N]
Each dataset folder holds train.csv, test.csv and meta.json (see datasets.py). Preprocessing is learned on the
training rows only: numbers imputed with the mean and standardized, ISO dates as fractional years, text one-hot
encoded (most frequent value imputed, unseen values ignored). Models:
  sklearn-mlp     MLPRegressor / MLPClassifier defaults (regression targets standardized too)
  sklearn-tuned   GridSearchCV (5-fold, training rows only) over alpha x hidden layers x solver; its row also
                  holds the parameters it chose ("chosen") and their mean CV score ("cv")
  sklearn-linear  Ridge() / LogisticRegression(max_iter=1000)
Metric: R^2 for regression, accuracy for classification, on the test rows.
"""

import json
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

warnings.filterwarnings("ignore", category=ConvergenceWarning)

GRID = {
    "model__alpha": [1e-4, 1e-2, 1.0, 10.0],
    "model__hidden_layer_sizes": [(64,), (64, 64)],
    "model__solver": ["adam", "lbfgs"],
}


def dates_to_years(frame):
    for c in frame.columns:
        if frame[c].dtype == object:
            parsed = pd.to_datetime(frame[c], format="%Y-%m-%d", errors="coerce")
            if parsed.notna().sum() == frame[c].notna().sum() and parsed.notna().any():
                frame[c] = parsed.dt.year + (parsed.dt.dayofyear - 1) / 365.25
    return frame


def preprocessor(frame):
    numeric = [c for c in frame.columns if frame[c].dtype != object]
    text = [c for c in frame.columns if frame[c].dtype == object]
    return ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler())]), numeric),
        ("text", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                           ("onehot", OneHotEncoder(handle_unknown="ignore"))]), text),
    ])


def models(task, frame):
    if task == "regression":
        mlp = lambda **kw: TransformedTargetRegressor(
            Pipeline([("pre", preprocessor(frame)), ("model", MLPRegressor(random_state=0, **kw))]),
            transformer=StandardScaler())
        tuned = TransformedTargetRegressor(
            GridSearchCV(Pipeline([("pre", preprocessor(frame)), ("model", MLPRegressor(random_state=0, max_iter=500))]),
                         GRID, cv=5, n_jobs=JOBS),
            transformer=StandardScaler())
        linear = Pipeline([("pre", preprocessor(frame)), ("model", Ridge())])
    else:
        mlp = lambda **kw: Pipeline([("pre", preprocessor(frame)), ("model", MLPClassifier(random_state=0, **kw))])
        tuned = GridSearchCV(Pipeline([("pre", preprocessor(frame)), ("model", MLPClassifier(random_state=0, max_iter=500))]),
                             GRID, cv=5, n_jobs=JOBS)
        linear = Pipeline([("pre", preprocessor(frame)), ("model", LogisticRegression(max_iter=1000))])
    return {"sklearn-mlp": mlp(), "sklearn-tuned": tuned, "sklearn-linear": linear}


def main():
    folder = sys.argv[1]
    meta = json.load(open(os.path.join(folder, "meta.json")))
    target, task = meta["target"], meta["task"]
    train = dates_to_years(pd.read_csv(os.path.join(folder, "train.csv")))
    test = dates_to_years(pd.read_csv(os.path.join(folder, "test.csv")))
    xtr, ytr = train.drop(columns=[target]), train[target]
    xte, yte = test.drop(columns=[target]), test[target]
    if task != "regression":
        ytr, yte = ytr.astype(str), yte.astype(str)
    for name, model in models(task, xtr).items():
        start = time.perf_counter()
        model.fit(xtr, ytr)
        seconds = time.perf_counter() - start
        pred = model.predict(xte)
        value = r2_score(yte, pred) if task == "regression" else accuracy_score(yte, pred)
        row = {"dataset": meta["name"], "impl": name, "metric": "r2" if task == "regression" else "accuracy",
               "value": float(value), "seconds": seconds}
        search = getattr(model, "regressor_", model)
        if hasattr(search, "best_params_"):
            row["chosen"] = {k.replace("model__", ""): v for k, v in search.best_params_.items()}
            row["cv"] = float(search.best_score_)
        print(json.dumps(row), flush=True)


JOBS = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 1

if __name__ == "__main__":
    main()
