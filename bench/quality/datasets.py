"""Writes the quality benchmark's datasets: one folder per dataset with train.csv, test.csv, meta.json.

Usage: python3 datasets.py OUT_DIR VEGA_DATA_DIR [--suite fresh]
Synthetic sets come from scikit-learn's generators (Debian's python3-sklearn) and numpy with fixed seeds;
public tables from the vega-datasets npm package. Every split is a seeded 80/20 shuffle (seed 0), stratified
for classification. None of these sets is used by the tests.
The default suite (14 sets) was used to tune the search rules; `--suite fresh` writes 14 others, of other kinds
(scikit-learn's bundled tables, its generators with other settings, other vega tables), that nobody tuned for.
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
    if "--suite" in sys.argv and sys.argv[sys.argv.index("--suite") + 1] == "fresh":
        fresh_bundled(out)
        fresh_synthetic(out)
        fresh_public(out, vega)
        return
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



# --- the fresh suite: nothing below was used to tune the search or data rules ---

def frame(out, name, data, target, task, note, extra=None):
    """A pandas frame as one dataset; missing cells (NaN/None) become empty cells."""
    header = list(data.columns)
    rows = [[None if isinstance(v, float) and np.isnan(v) else v for v in r]
            for r in data.astype(object).itertuples(index=False)]
    write(out, name, header, rows, target, task, note, extra)


def sample(data, n, seed, by=None):
    """n rows of a frame, seeded (stratified on column `by` when given); all rows when there are fewer."""
    if len(data) <= n:
        return data
    strat = data[by] if by else None
    part, _ = train_test_split(data, train_size=n, random_state=seed, stratify=strat)
    return part


def bundled(loader, target, **kw):
    data = loader(as_frame=True, **kw).frame
    return data.rename(columns={"target": target})


def fresh_bundled(out):
    frame(out, "diabetes", bundled(sk.load_diabetes, "progression", scaled=False), "progression", "regression",
          "sklearn diabetes, raw units (sex 1/2): 442 rows, 10 inputs, noisy; overfits without hold-out (issue 11)")
    frame(out, "iris", bundled(sk.load_iris, "species"), "species", "multiclass",
          "sklearn iris: 150 rows, labels 0..2 (integer labels must be inferred as classes); one test row = 0.033")
    frame(out, "wine", bundled(sk.load_wine, "cultivar"), "cultivar", "multiclass",
          "sklearn wine: 178 rows, 13 inputs on very different scales (proline ~1000, hue ~1), labels 0..2")
    frame(out, "breast-cancer", bundled(sk.load_breast_cancer, "benign"), "benign", "binary",
          "sklearn breast_cancer: 569 rows, 30 correlated inputs, headers with spaces, labels 0/1")
    digits = sample(bundled(sk.load_digits, "digit"), 1000, 0, by="digit")
    frame(out, "digits", digits, "digit", "multiclass",
          "sklearn digits, 1000 of 1797 rows: 64 pixel inputs 0..16, several always 0 (constant), 10 classes")


def fresh_synthetic(out):
    X, y = sk.make_friedman1(n_samples=600, n_features=10, noise=1.0, random_state=20)
    table(out, "friedman1", X, y, "regression", "make_friedman1, 600 rows, 10 inputs (5 unused), noise 1")
    X, y = sk.make_regression(n_samples=250, n_features=25, n_informative=3, noise=40.0, random_state=24)
    table(out, "sparse-linear", X, y, "regression",
          "make_regression, 250 rows, 25 inputs, 3 informative, noise 40: a linear model should win")
    X, y = sk.make_circles(n_samples=600, noise=0.15, factor=0.5, random_state=22)
    table(out, "circles", X, y, "binary", "make_circles, noise 0.15, factor 0.5: no linear boundary",
          target="inner", fmt=int)
    X, y = sk.make_blobs(n_samples=600, centers=4, n_features=5, cluster_std=3.0, random_state=23)
    table(out, "blobs-overlap", X, y, "multiclass", "make_blobs, 4 centers in 5-D, std 3: overlapping, linear",
          target="blob", fmt=int)
    X, y = sk.make_classification(n_samples=1000, n_features=10, n_informative=4, n_redundant=2, n_classes=3,
                                  weights=[0.8, 0.15, 0.05], flip_y=0.02, class_sep=1.0, random_state=21)
    table(out, "imbalanced-3", X, y, "multiclass",
          "make_classification, 3 classes 80/15/5 %, 2 % labels flipped: the majority alone scores ~0.80",
          target="class", fmt=int)


def fresh_public(out, vega):
    import pandas as pd
    cars = pd.DataFrame(vega_records(os.path.join(vega, "cars.json"))).dropna(subset=["Miles_per_Gallon"])
    frame(out, "cars-mpg", cars, "Miles_per_Gallon", "regression",
          "vega cars: MPG from an ISO date (Year), text Origin, an identifier (Name), missing Horsepower",
          {"impute": True})
    movies = pd.DataFrame(vega_records(os.path.join(vega, "movies.json"))).dropna(subset=["IMDB Rating"])
    keep = ["US Gross", "Worldwide Gross", "Production Budget", "Running Time min", "MPAA Rating", "Major Genre",
            "Creative Type", "Source", "Rotten Tomatoes Rating", "IMDB Votes", "IMDB Rating"]
    frame(out, "movies-rating", sample(movies[keep], 1500, 0), "IMDB Rating", "regression",
          "vega movies, 1500 rows: IMDB rating from money, votes, text genre/rating/source, many missing cells",
          {"impute": True})
    barley = pd.DataFrame(vega_records(os.path.join(vega, "barley.json")))
    frame(out, "barley-yield", barley, "yield", "regression",
          "vega barley: 120 rows, yield from text variety and site and a two-valued year (categorical only)")
    weather = sample(pd.DataFrame(vega_records(os.path.join(vega, "weather.csv"))), 1500, 0, by="weather")
    frame(out, "weather-type", weather, "weather", "multiclass",
          "vega weather, 1500 rows: text labels sun/rain/fog/drizzle/snow (imbalanced, noisy) from location, "
          "ISO date, precipitation, temperatures, wind")


if __name__ == "__main__":
    main()
