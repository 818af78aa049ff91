"""Query-dependent fusion and the thesaurus, measured on the development data only (issue 14).

    python bench/adaptive.py                   # the grid below on party-dev, paraphrase-dev, ALQAC train
    python bench/adaptive.py --no-alqac        # party sets only (quick)
    python bench/adaptive.py --features        # per question: word-pair coverage, ranks by lexical/dense/hybrid
    python bench/adaptive.py --latency         # hybrid p50/p95 on ALQAC test queries, before and after, interleaved

Every row re-runs hybrid search with one setting changed from the shipped defaults. Columns: hit@5 and MRR@10 as
written / without diacritics; ALQAC train MRR@10. ALQAC test is never looked at here (quality.py summary reports
it). The coverage thresholds are module constants of tracuu.retrieval.adaptive_fusion, set here per row.
"""
from __future__ import annotations

import argparse

from quality import GOLD_SETS, SHARED, open_or_build, party_index

from tracuu.evaluate import bench_fold, evaluate_gold, evaluate_qrels, gold_rank, read_gold, read_qrels, read_queries
from tracuu.retrieval import adaptive_fusion
from tracuu.retrieval.settings import SearchSettings

BASE = SearchSettings()


def with_(settings: SearchSettings, **values) -> SearchSettings:
    """`settings` with some flat values changed (fusion's and the others' alike)."""
    return SearchSettings.from_dict({**settings.to_dict(), **values})


OFF = with_(BASE, dense_weight_unmatched=0.0, synonym_weight=0.0)
# (label, config, (COVERAGE_NONE, COVERAGE_FULL))
GRID = [
    ("before issue 14: no thesaurus, fixed weights", OFF, None),
    ("thesaurus only (weight 0.3)", with_(OFF, synonym_weight=0.3), None),
    ("adaptive only (dense up to 2.0)", with_(BASE, synonym_weight=0.0), None),
    ("shipped: adaptive 2.0 + thesaurus 0.3", BASE, None),
    *[(f"thesaurus weight {w}", with_(BASE, synonym_weight=w), None) for w in (0.15, 0.5, 0.8)],
    ("thesaurus also in the dense query", with_(BASE, synonyms_in_dense=True), None),
    *[(f"dense up to {w}", with_(BASE, dense_weight_unmatched=w), None) for w in (1.0, 1.5, 3.0, 5.0)],
    # A stronger encoder (tracuu-e5) may deserve more weight everywhere, not only where the words do not match.
    *[(f"dense weight {w}", with_(BASE, dense_weight=w), None) for w in (0.8, 1.0, 1.5)],
    *[(f"dense weight restored {w}", with_(BASE, dense_weight_restored=w), None) for w in (0.8, 1.0, 1.5)],
    *[(f"dense {w} / restored {r} / up to {u}", with_(BASE, dense_weight=w, dense_weight_restored=r,
                                                      dense_weight_unmatched=u), None)
      for w, r, u in ((1.0, 1.0, 3.0), (1.0, 0.8, 2.0), (0.8, 0.8, 3.0), (1.0, 1.0, 5.0))],
    *[(f"dense {w} / restored {r} / up to {u} / thesaurus {t}{' in dense' if d else ''}",
       with_(BASE, dense_weight=w, dense_weight_restored=r, dense_weight_unmatched=u, synonym_weight=t,
             synonyms_in_dense=d), None)
      for w, r, u, t, d in ((1.0, 1.0, 3.0, 0.8, False), (1.0, 1.0, 3.0, 0.8, True), (1.0, 1.0, 3.0, 0.5, True),
                            (1.5, 1.0, 3.0, 0.8, True), (0.5, 0.5, 2.0, 0.8, True), (0.5, 0.5, 2.0, 0.5, False))],
    # tracuu-e5-2 (session 9) ranks people's words better still: more dense weight in every case
    *[(f"dense {w} / restored {r} / up to {u} / thesaurus 0.8 in dense",
       with_(BASE, dense_weight=w, dense_weight_restored=r, dense_weight_unmatched=u, synonym_weight=0.8,
             synonyms_in_dense=True), None)
      for w, r, u in ((1.5, 1.5, 3.0), (2.0, 1.5, 3.0), (2.0, 2.0, 4.0), (3.0, 2.0, 5.0))],
    *[(f"coverage none/full {lo}/{hi}", BASE, (lo, hi)) for lo, hi in ((0.05, 0.15), (0.1, 0.3), (0.15, 0.25),
                                                                          (0.2, 0.2), (0.0, 0.2))],
]


def features(party, gold_sets) -> None:
    print("| set | id | kind | form | coverage | dense weight | lexical | dense | hybrid |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, questions in gold_sets.items():
        for q in questions:
            if not q.gold:
                continue
            for folded in (False, True):
                text = bench_fold(q.query) if folded else q.query
                ranks = [gold_rank([h.passage.text for h in party.search(text, 10, mode=m)], q.gold)
                         for m in ("lexical", "dense")]
                hits = party.search(text, 10, explain=True)
                why = hits[0].explanation if hits else None
                ranks.append(gold_rank([h.passage.text for h in hits], q.gold))
                cov = "" if why is None else (why.weighting.split(" ")[1] if why.weighting.startswith("only")
                                               else why.weighting.split(" ")[0])
                print(f"| {name} | {q.id} | {q.kind} | {'folded' if folded else 'written'} | {cov} | "
                      f"{why.dense_weight if why else ''} | " + " | ".join(str(r or "-") for r in ranks) + " |")


def latency(alqac, queries, repeats: int = 3) -> None:
    """Hybrid search time with and without the issue 14 rules, query by query in turn (a busy machine slows both
    alike); caches cleared before every query, so query encoding is included."""
    import time

    from peers_common import forget_queries, pct

    times: dict[str, list[float]] = {"before issue 14": [], "shipped": []}
    for _ in range(repeats):
        for _, text in queries:
            for label, config in (("before issue 14", OFF), ("shipped", BASE)):
                forget_queries(alqac)
                t = time.perf_counter()
                alqac.search(text, 10, settings=config)
                times[label].append(time.perf_counter() - t)
    print("| hybrid, ALQAC test queries | p50 ms | p95 ms | n |")
    print("|---|---|---|---|")
    for label, values in times.items():
        print(f"| {label} | {pct(values, .5):.1f} | {pct(values, .95):.1f} | {len(values)} |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--encoder", default=None)
    p.add_argument("--no-alqac", action="store_true")
    p.add_argument("--features", action="store_true")
    p.add_argument("--latency", action="store_true")
    p.add_argument("--rows", type=int, nargs="*", help="only these rows of the grid (0-based)")
    args = p.parse_args()
    party = party_index(args.encoder)
    gold_sets = {name: read_gold(SHARED / "bench" / file) for name, file in GOLD_SETS.items()}
    if args.features:
        features(party, gold_sets)
        return
    if args.latency:
        data = SHARED / "bench" / "alqac2023"
        alqac = open_or_build("alqac", [data / "corpus.jsonl"], args.encoder)
        latency(alqac, read_queries(data / "queries_test.jsonl"))
        return
    alqac = None
    if not args.no_alqac:
        data = SHARED / "bench" / "alqac2023"
        alqac = open_or_build("alqac", [data / "corpus.jsonl"], args.encoder)
        queries, qrels = read_queries(data / "queries_train.jsonl"), read_qrels(data / "qrels_train.tsv")
    head = ["setting", "party-dev hit@5", "party-dev MRR@10", "paraphrase hit@5", "paraphrase MRR@10"]
    head += ["ALQAC train MRR@10"] if alqac else []
    print("Each cell: as written / diacritics removed.")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    saved = adaptive_fusion.COVERAGE_NONE, adaptive_fusion.COVERAGE_FULL
    for n, (label, config, coverage) in enumerate(GRID):
        if args.rows and n not in args.rows:
            continue
        adaptive_fusion.COVERAGE_NONE, adaptive_fusion.COVERAGE_FULL = coverage or saved
        cells = [label]
        for name, questions in gold_sets.items():
            rows = [evaluate_gold(lambda q, k: party.search(q, k, settings=config), questions, folded=f)["all"]
                    for f in (False, True)]
            cells += [f"{rows[0]['hit@5']:.3f} / {rows[1]['hit@5']:.3f}",
                      f"{rows[0]['mrr@10']:.3f} / {rows[1]['mrr@10']:.3f}"]
        if alqac:
            got = [evaluate_qrels(lambda q, k: alqac.search(q, k, settings=config), queries, qrels, folded=f)["mrr@10"]
                   for f in (False, True)]
            cells.append(f"{got[0]:.3f} / {got[1]:.3f}")
        print("| " + " | ".join(cells) + " |", flush=True)
    adaptive_fusion.COVERAGE_NONE, adaptive_fusion.COVERAGE_FULL = saved


if __name__ == "__main__":
    main()
