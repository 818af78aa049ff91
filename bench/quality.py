"""Retrieval quality tables: party-dev (gold snippets) and ALQAC 2023 (qrels), per mode, as written and folded.

    python bench/quality.py party                 # builds bench/.cache/party over corpus/
    python bench/quality.py paraphrase --kinds    # party-paraphrase-dev (people's own words), same index
    python bench/quality.py summary               # party-dev, paraphrase-dev, ALQAC train and test side by side
    python bench/quality.py alqac --split test    # builds bench/.cache/alqac over ALQAC's corpus.jsonl
    python bench/tune.py                          # fusion weights, tuned on ALQAC train + party-dev only

Indexes are cached (a rebuild re-encodes nothing unchanged). Add --encoder hashing for a quick dry run.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import tracuu
from tracuu.evaluate import evaluate_gold, evaluate_qrels, read_gold, read_qrels, read_queries
from tracuu.retrieval.settings import SearchSettings

from peers_common import forget_queries

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
CORPUS = HERE.parent / "corpus"  # the shipped documents (corpus/SOURCE.md); only the question sets stay in ../shared
CACHE = HERE / ".cache"


def open_or_build(name: str, paths: list[Path], encoder: str | None) -> tracuu.Index:
    root = CACHE / (name if not encoder else f"{name}-{encoder}")
    started = time.perf_counter()
    report = tracuu.build(paths, root, encoder=encoder)
    print(f"# index {root}: {report.documents} documents, {report.passages} passages, "
          f"{report.encoded} encoded, {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return tracuu.open_index(root)


def searcher(index: tracuu.Index, mode: str, settings: SearchSettings | None, latencies: list[float]):
    forget_queries(index)  # latency figures must include query encoding

    def search(query: str, k: int):
        t = time.perf_counter()
        hits = index.search(query, k, mode=mode, settings=settings)
        latencies.append(time.perf_counter() - t)
        return hits
    return search


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


GOLD_SETS = {"party": "party-dev.jsonl", "paraphrase": "party-paraphrase-dev.jsonl"}


def party_index(encoder: str | None) -> tracuu.Index:
    return open_or_build("party", [CORPUS], encoder)


def party(args) -> None:
    """party-dev or party-paraphrase-dev (same corpus, same matching rule): hit@1, hit@5, MRR@10 per mode."""
    index = party_index(args.encoder)
    gold = read_gold(SHARED / "bench" / GOLD_SETS[args.data])
    print("| mode | form | hit@1 | hit@5 | MRR@10 | misses@5 | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in args.modes:
        for folded in (False, True):
            lat: list[float] = []
            table = evaluate_gold(searcher(index, mode, None, lat), gold, folded=folded)
            a = table["all"]
            print(f"| {mode} | {'folded' if folded else 'as written'} | {a['hit@1']:.3f} | {a['hit@5']:.3f} | "
                  f"{a['mrr@10']:.3f} | {' '.join(table['misses@5']['ids'])} | {pct(lat, .5):.1f} | {pct(lat, .95):.1f} |")
            if args.kinds:
                for kind, row in table.items():
                    if kind not in ("all", "misses@5"):
                        print(f"|  | {kind} (n={row['n']}) | {row['hit@1']:.3f} | {row['hit@5']:.3f} | {row['mrr@10']:.3f} | | | |")


def alqac(args) -> None:
    data = SHARED / "bench" / "alqac2023"
    index = open_or_build("alqac", [data / "corpus.jsonl"], args.encoder)
    queries = read_queries(data / f"queries_{args.split}.jsonl")
    qrels = read_qrels(data / f"qrels_{args.split}.tsv")
    print(f"ALQAC 2023 {args.split}")
    print("| mode | form | MRR@10 | nDCG@10 | R@1 | R@5 | R@10 | R@100 | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for mode in args.modes:
        for folded in (False, True):
            lat: list[float] = []
            m = evaluate_qrels(searcher(index, mode, None, lat), queries, qrels, folded=folded)
            print(f"| {mode} | {'folded' if folded else 'as written'} | {m['mrr@10']:.3f} | {m['ndcg@10']:.3f} | "
                  f"{m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | {m['recall@100']:.3f} | "
                  f"{pct(lat, .5):.1f} | {pct(lat, .95):.1f} |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", choices=["party", "paraphrase", "alqac", "summary"])
    p.add_argument("--split", choices=["train", "test"], default="test")
    p.add_argument("--encoder", default=None)
    p.add_argument("--modes", nargs="+", default=["lexical", "dense", "hybrid"])
    p.add_argument("--kinds", action="store_true", help="party, paraphrase: a row per question kind")
    p.add_argument("--no-alqac", action="store_true", help="summary: leave ALQAC out (its index is not built)")
    p.add_argument("--alqac-splits", nargs="+", default=["train", "test"], help="summary: ALQAC splits to show")
    args = p.parse_args()
    if args.data == "summary":
        from summary import summary
        summary(args)
    else:
        alqac(args) if args.data == "alqac" else party(args)


if __name__ == "__main__":
    main()
