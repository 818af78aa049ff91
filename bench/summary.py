"""One table, every dev set side by side, so a change shows its effect on all of them at once.

    python bench/quality.py summary [--modes hybrid] [--no-alqac] [--alqac-splits train]

Columns: party-dev and party-paraphrase-dev hit@5 and MRR@10, ALQAC 2023 train (the tuning split) and test (reported
as it comes, never tuned on) MRR@10 and R@10; each as written / with diacritics removed; and the p50 latency of
every query of the row (query encoding included, caches cleared). Indexes come from bench/.cache (quality.py).
"""
from __future__ import annotations

import time

from tracuu.evaluate import evaluate_gold, evaluate_qrels, read_gold, read_qrels, read_queries

from peers_common import forget_queries

FORMS = (False, True)


def _pair(a: float, b: float) -> str:
    return f"{a:.3f} / {b:.3f}"


def summary(args) -> None:
    from quality import GOLD_SETS, SHARED, open_or_build, party_index, pct

    party = party_index(args.encoder)
    golds = {name: read_gold(SHARED / "bench" / file) for name, file in GOLD_SETS.items()}
    data = SHARED / "bench" / "alqac2023"
    splits = [] if args.no_alqac else args.alqac_splits
    alqac = open_or_build("alqac", [data / "corpus.jsonl"], args.encoder) if splits else None
    head = ["mode", "party-dev hit@5", "party-dev MRR@10", "paraphrase hit@5", "paraphrase MRR@10"]
    head += [f"ALQAC {s} {m}" for s in splits for m in ("MRR@10", "R@10")]
    head += ["p50 ms"]
    print("Each cell: as written / diacritics removed.")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for mode in args.modes:
        latencies: list[float] = []

        def search(index, q, k, mode=mode):
            forget_queries(index)
            t = time.perf_counter()
            hits = index.search(q, k, mode=mode)
            latencies.append(time.perf_counter() - t)
            return hits

        cells = [mode]
        for name in GOLD_SETS:
            rows = [evaluate_gold(lambda q, k: search(party, q, k), golds[name], folded=f)["all"] for f in FORMS]
            cells += [_pair(rows[0]["hit@5"], rows[1]["hit@5"]), _pair(rows[0]["mrr@10"], rows[1]["mrr@10"])]
        for split in splits:
            queries = read_queries(data / f"queries_{split}.jsonl")
            qrels = read_qrels(data / f"qrels_{split}.tsv")
            rows = [evaluate_qrels(lambda q, k: search(alqac, q, k), queries, qrels, folded=f) for f in FORMS]
            cells += [_pair(rows[0]["mrr@10"], rows[1]["mrr@10"]), _pair(rows[0]["recall@10"], rows[1]["recall@10"])]
        cells.append(f"{pct(latencies, .5):.1f}")
        print("| " + " | ".join(cells) + " |", flush=True)
