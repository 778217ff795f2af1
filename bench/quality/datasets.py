"""Writes the quality benchmark's datasets: one folder per dataset with train.csv, test.csv, meta.json.

Usage: python3 datasets.py OUT_DIR VEGA_DATA_DIR
Synthetic sets come from scikit-learn's generators (Debian's python3-sklearn) and numpy with fixed seeds;
public tables from the vega-datasets npm package. Every split is a seeded 80/20 shuffle (seed 0), stratified
for classification. None of these sets is used by the tests.
"""

import csv
import json
import os
import sys

import numpy as np
from sklearn import datasets as sk
from sklearn.model_selection import train_test_split


def write(out, name, header, rows, target, task, note, extra=None):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    labels = [r[header.index(target)] for r in rows]
    strat = labels if task != "regression" else None
    train, test = train_test_split(rows, test_size=0.2, random_state=0, stratify=strat)
    for part, data in (("train", train), ("test", test)):
        with open(os.path.join(folder, part + ".csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for r in data:
                w.writerow(["" if v is None else v for v in r])
    meta = {"name": name, "target": target, "task": task, "note": note, "rows": len(rows), "inputs": len(header) - 1}
    meta.update(extra or {})
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f)


def table(out, name, X, y, task, note, target="y", fmt=None):
    header = [f"x{i + 1}" for i in range(X.shape[1])] + [target]
    rows = []
    for xi, yi in zip(X, y):
        label = fmt(yi) if fmt else float(yi)
        rows.append([float(v) for v in xi] + [label])
    write(out, name, header, rows, target, task, note)


def curve(out, name, f, n, noise, lo, hi, seed, note):
    rng = np.random.default_rng(seed)
    x = rng.uniform(lo, hi, n)
    y = f(x) + noise * rng.standard_normal(n)
    table(out, name, x[:, None], y, "regression", note)


def vega_records(path):
    if path.endswith(".json"):
        with open(path) as f:
            return json.load(f)
    with open(path) as f:
        return list(csv.DictReader(f))


def main():
    out, vega = sys.argv[1], sys.argv[2]
    # small noisy regression
    X, y = sk.make_friedman2(n_samples=300, noise=60.0, random_state=1)
    table(out, "friedman2-noisy", X, y, "regression", "make_friedman2, 300 rows, noise 60")
    # larger regression
    X, y = sk.make_friedman3(n_samples=2000, noise=0.05, random_state=2)
    table(out, "friedman3", X, y, "regression", "make_friedman3, 2000 rows, noise 0.05")
    # multiclass with integer labels 0..k-1
    X, y = sk.make_classification(n_samples=600, n_features=8, n_informative=5, n_redundant=1, n_classes=4,
                                  n_clusters_per_class=1, class_sep=1.2, random_state=3)
    table(out, "classes-4", X, y, "multiclass", "make_classification, 4 classes as 0..3", target="class", fmt=int)
    X, y = sk.make_classification(n_samples=1000, n_features=12, n_informative=6, n_redundant=2, n_classes=6,
                                  n_clusters_per_class=1, class_sep=1.5, random_state=4)
    table(out, "classes-6", X, y, "multiclass", "make_classification, 6 classes as 0..5", target="class", fmt=int)
    # binary with labels -1 / 1
    X, y = sk.make_hastie_10_2(n_samples=2000, random_state=5)
    table(out, "hastie", X, y, "binary", "make_hastie_10_2, labels -1/1", target="label", fmt=int)
    # 2-D shapes
    X, y = sk.make_moons(n_samples=500, noise=0.3, random_state=6)
    table(out, "moons-noisy", X, y, "binary", "make_moons, noise 0.3", target="label", fmt=int)
    X, y = sk.make_gaussian_quantiles(n_samples=600, n_features=2, n_classes=3, random_state=7)
    table(out, "gaussian-quantiles", X, y, "multiclass", "make_gaussian_quantiles, 3 rings", target="ring", fmt=int)
    # a wide table: 60 inputs, 6 informative
    X, y = sk.make_regression(n_samples=400, n_features=60, n_informative=6, noise=20.0, random_state=8)
    table(out, "wide-linear", X, y, "regression", "make_regression, 60 inputs, 6 informative, noise 20")
    # 1-D curves
    curve(out, "cubic", lambda x: x ** 3 - x, 300, 0.1, -2, 2, 9, "x^3 - x + N(0, 0.1)")
    curve(out, "abs-sine", lambda x: np.abs(np.sin(3 * x)), 300, 0.05, -2, 2, 10, "|sin 3x| + N(0, 0.05)")
    curve(out, "sawtooth", lambda x: x - np.floor(x), 400, 0.02, 0, 3, 11, "x - floor(x) + N(0, 0.02)")
    # public tables: text labels and missing cells, a date column, categorical inputs
    pen = vega_records(os.path.join(vega, "penguins.json"))
    header = list(pen[0].keys())
    write(out, "penguins", header, [[r[h] for h in header] for r in pen], "Species", "multiclass",
          "vega-datasets penguins: text labels, text inputs, missing cells", {"impute": True})
    sea = vega_records(os.path.join(vega, "seattle-weather.csv"))
    header = ["date", "precipitation", "temp_min", "wind", "temp_max"]
    write(out, "seattle-temp", header, [[r[h] for h in header] for r in sea], "temp_max", "regression",
          "vega-datasets seattle-weather: temp_max from the date, precipitation, temp_min, wind")
    gap = vega_records(os.path.join(vega, "gapminder.json"))
    header = ["year", "country", "pop", "fertility", "life_expect"]
    write(out, "gapminder", header, [[r[h] for h in header] for r in gap], "life_expect", "regression",
          "vega-datasets gapminder: life expectancy from year, country (text), population, fertility")


if __name__ == "__main__":
    main()
