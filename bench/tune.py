"""Grid search of the fusion settings on the development data only: ALQAC train and party-dev.

    python bench/tune.py [--encoder NAME]

Prints the best settings by the mean MRR@10 over four columns (ALQAC train and party-dev, each as written and
with diacritics removed). The ALQAC test split is never looked at here.
"""
from __future__ import annotations

import argparse
import itertools
import json
import statistics

from quality import CORPUS, SHARED, open_or_build

from tracuu.evaluate import evaluate_gold, evaluate_qrels, read_gold, read_qrels, read_queries
from tracuu.retrieval.settings import SearchSettings

GRIDS = {
    "rrf": {
        "method": ["rrf"],
        "k": [60, 100],
        "dense_weight": [0.3, 0.5, 0.8],
        "dense_weight_unaccented": [0.0],
        "dense_weight_restored": [0.1, 0.2, 0.3],
        "exact_weight": [0.5],
        "restored_exact_weight": [0.0],
    },
    "linear": {
        "method": ["linear"],
        "k": [60],
        "dense_weight": [0.3, 0.5, 0.8, 1.2, 2.0],
        "dense_weight_unaccented": [0.0],
        "dense_weight_restored": [0.1, 0.3, 0.5, 1.0],
        "exact_weight": [0.5, 1.0],
        "restored_exact_weight": [0.0, 0.3],
    },
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--encoder", default=None)
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--grid", choices=sorted(GRIDS), nargs="+", default=sorted(GRIDS))
    args = p.parse_args()
    data = SHARED / "bench" / "alqac2023"
    alqac = open_or_build("alqac", [data / "corpus.jsonl"], args.encoder)
    party = open_or_build("party", [CORPUS], args.encoder)
    queries, qrels = read_queries(data / "queries_train.jsonl"), read_qrels(data / "qrels_train.tsv")
    gold = read_gold(SHARED / "bench" / "party-dev.jsonl")
    rows = []
    combos = [dict(zip(g, v)) for name in args.grid for g in [GRIDS[name]] for v in itertools.product(*g.values())]
    for combo in combos:
        cfg = SearchSettings.of(**combo)
        cols = []
        for folded in (False, True):
            cols.append(evaluate_qrels(lambda q, k: alqac.search(q, k, settings=cfg), queries, qrels,
                                       folded=folded)["mrr@10"])
        for folded in (False, True):
            table = evaluate_gold(lambda q, k: party.search(q, k, settings=cfg), gold, folded=folded)
            cols.append(table["all"]["mrr@10"])
        rows.append((statistics.mean(cols), cols, cfg))
    rows.sort(key=lambda r: -r[0])
    names = list(GRIDS["linear"])
    print("| mean | ALQAC train | ALQAC train folded | party-dev | party-dev folded | " + " | ".join(names) + " |")
    print("|" + "---|" * (5 + len(names)))
    for mean_, cols, cfg in rows[:args.top]:
        d = cfg.to_dict()
        print(f"| {mean_:.4f} | " + " | ".join(f"{c:.4f}" for c in cols) + " | "
              + " | ".join(str(d[n]) for n in names) + " |")
    print(json.dumps(rows[0][2].to_dict()))


if __name__ == "__main__":
    main()
