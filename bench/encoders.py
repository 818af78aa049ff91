"""tracuu-e5 against e5-small on cost: model load, encoding passages/s, hybrid query latency (issue 14's budget).

    python bench/encoders.py            # needs bench/.cache/alqac-{e5-small,tracuu-e5} (quality.py --encoder builds them)

Both encoders run in turn, chunk by chunk and query by query, so a machine whose load changes slows both alike;
which goes first alternates, so neither always runs right after the other (CPU caches, clock, garbage collection).
Query caches are cleared before every query: the figures include encoding the query.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

from peers_common import forget_queries, pct
from quality import SHARED, open_or_build

from tracuu.evaluate import read_jsonl, read_queries
from tracuu.retrieval.encoders import load_encoder

ENCODERS = ("e5-small", "tracuu-e5")


def _order(turn: int) -> tuple[str, ...]:
    return ENCODERS if turn % 2 == 0 else ENCODERS[::-1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--passages", type=int, default=256, help="ALQAC articles encoded per encoder")
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    data = SHARED / "bench" / "alqac2023"

    loads: dict[str, list[float]] = {name: [] for name in ENCODERS}
    for _ in range(5):
        for name in ENCODERS:
            started = time.perf_counter()
            load_encoder(name)
            loads[name].append(time.perf_counter() - started)
    encoders = {name: load_encoder(name) for name in ENCODERS}

    texts = [row["text"][:1500] for row in read_jsonl(data / "corpus.jsonl")[:args.passages]]
    spent = {name: 0.0 for name in ENCODERS}
    for turn, at in enumerate(range(0, len(texts), 32)):
        for name in _order(turn):
            enc = encoders[name]
            started = time.perf_counter()
            enc.encode_passages(texts[at:at + 32])
            spent[name] += time.perf_counter() - started

    indexes = {name: open_or_build("alqac", [data / "corpus.jsonl"], name) for name in ENCODERS}
    times: dict[str, list[float]] = {name: [] for name in ENCODERS}
    for _ in range(args.repeats):
        for turn, (_, text) in enumerate(read_queries(data / "queries_test.jsonl")):
            for name in _order(turn):
                index = indexes[name]
                forget_queries(index)
                started = time.perf_counter()
                index.search(text, 10)
                times[name].append(time.perf_counter() - started)

    print("| encoder | load s (median of 5) | passages/s | hybrid p50 ms | hybrid p95 ms | queries |")
    print("|---|---|---|---|---|---|")
    for name in ENCODERS:
        print(f"| {name} | {statistics.median(loads[name]):.3f} | {len(texts) / spent[name]:.1f} | "
              f"{pct(times[name], .5):.1f} | {pct(times[name], .95):.1f} | {len(times[name])} |")
    # Both p50s move by several ms between runs on a shared machine; the same query timed back to back by each
    # encoder does not, so the median of those differences says more about the encoders than the p50s' gap.
    first, second = ENCODERS
    gaps = [(b - a) * 1000 for a, b in zip(times[first], times[second])]
    low, high = _interval(gaps)
    print(f"\n{second} - {first}, the same query: median {statistics.median(gaps):+.2f} ms "
          f"(95 % bootstrap interval {low:+.2f} .. {high:+.2f}), mean {statistics.mean(gaps):+.2f} ms")


def _interval(values: list[float], draws: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95 % bootstrap interval of the median."""
    rng = random.Random(seed)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(draws))
    return medians[int(.025 * draws)], medians[int(.975 * draws) - 1]


if __name__ == "__main__":
    main()
