#!/usr/bin/python3
"""Exports a dataset bundled with Debian's python3-sklearn (no network: load_breast_cancer and load_wine read
files shipped in sklearn/datasets/data) as two CSV files for the real-training benchmark (bench/realtrain):
tune.csv, the rows the tuners may use, and all.csv, the same rows followed by a stratified 25% test part that
no trial ever sees (the bench scores each method's chosen configuration on it).

Usage: export_sklearn.py NAME OUT_DIR   (NAME: breast_cancer or wine). Prints the row counts as JSON.
"""
import csv
import json
import os
import sys

from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.model_selection import train_test_split

LOADERS = {"breast_cancer": load_breast_cancer, "wine": load_wine}


def main():
    name, out = sys.argv[1], sys.argv[2]
    d = LOADERS[name]()
    # Column names without spaces or parentheses, the class as its name (a categorical target).
    header = ["".join(c if c.isalnum() else "_" for c in f) for f in d.feature_names] + ["label"]
    rows = [list(map(float, x)) + [str(d.target_names[y])] for x, y in zip(d.data, d.target)]
    tune, test = train_test_split(rows, test_size=0.25, stratify=d.target, random_state=0)
    os.makedirs(out, exist_ok=True)
    for file, part in (("tune.csv", tune), ("all.csv", tune + test)):
        with open(os.path.join(out, file), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(part)
    json.dump({"tune": len(tune), "test": len(test)}, sys.stdout)


if __name__ == "__main__":
    main()
