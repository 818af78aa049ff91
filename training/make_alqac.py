"""Convert ALQAC 2023 TRAIN (never test) to training pairs: training/data/pairs-alqac-train.jsonl, made from
../shared before a training run and never committed (dev sets stay in ../shared; the file is git-ignored).

One row per (question, gold article); a train question that ALQAC also lists in its test split (DS-16 is DS-73,
word for word) is left out, so that no test question is trained on. gold is the 8-25-word window of the article that shares most syllables
with the question (the words that answer it), copied verbatim. doc is the ALQAC corpus id '<law>|<article>'.
Run: python training/make_alqac.py [--shared /work/shared]
"""
from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from check_data import DATA, bench_fold, default_shared, write_rows
from snippets import best_snippet


def convert(shared: Path) -> list[dict]:
    root = shared / "bench" / "alqac2023"
    with open(root / "corpus.jsonl", encoding="utf-8") as fh:
        articles = {row["_id"]: row for row in map(json.loads, fh)}
    with open(root / "queries_train.jsonl", encoding="utf-8") as fh:
        queries = {row["_id"]: row["text"] for row in map(json.loads, fh)}
    with open(root / "queries_test.jsonl", encoding="utf-8") as fh:
        in_test = {bench_fold(row["text"]) for row in map(json.loads, fh)}
    out = []
    with open(root / "qrels_train.tsv", encoding="utf-8") as fh:
        for qrel in csv.DictReader(fh, delimiter="\t"):
            article = articles[qrel["corpus-id"]]
            query = queries[qrel["query-id"]]
            if bench_fold(query) in in_test:
                continue
            # The article text starts with its title line; the answer is in the body.
            snippet = best_snippet(article["text"], query, skip_first_line=True)
            if snippet is None:
                continue
            out.append({"query": query, "gold": [snippet], "doc": article["_id"], "kind": "formal",
                        "source": "alqac-train"})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=default_shared())
    rows = convert(ap.parse_args().shared)
    path = DATA / "pairs-alqac-train.jsonl"
    write_rows(path, rows)
    print(f"{len(rows)} rows -> {path}")


if __name__ == "__main__":
    main()
