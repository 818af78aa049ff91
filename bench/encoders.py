"""tracuu-e5 against e5-small on cost: model load, encoding passages/s, hybrid query latency (issue 14's budget).

    python bench/encoders.py            # needs bench/.cache/alqac-{e5-small,tracuu-e5} (quality.py --encoder builds them)
    python bench/encoders.py --processes 8   # hybrid p50 only, each encoder alone in a fresh process, in turn
    git worktree add ../base <commit> && python bench/encoders.py --processes 12 --against ../base

Both encoders run in turn, chunk by chunk and query by query, so a machine whose load changes slows both alike;
which goes first alternates, so neither always runs right after the other (CPU caches, clock, garbage collection).
Query caches are cleared before every query: the figures include encoding the query.

Two indexes in one process disturb each other (each has its own encoding thread and OpenMP team; which model's
weights sit where in memory changes from process to process), and the in-process gap moved from +0.0 to +0.9 ms
between runs of the same code. `--processes N` measures as a server runs, one index per process: N pairs of fresh
processes, the order alternating, and reports each pair's p50s and how often each encoder was the faster.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from peers_common import forget_queries, pct
from quality import SHARED, open_or_build

from tracuu.evaluate import read_jsonl, read_queries
from tracuu.retrieval.encoders import load_encoder

ENCODERS = ("e5-small", "tracuu-e5")


def _order(turn: int) -> tuple[str, ...]:
    return ENCODERS if turn % 2 == 0 else ENCODERS[::-1]


def _solo(name: str, repeats: int) -> None:
    """One encoder's index alone in this process: print its hybrid p50 and mean (ms) as JSON."""
    data = SHARED / "bench" / "alqac2023"
    index = open_or_build("alqac", [data / "corpus.jsonl"], name)
    times = []
    for _ in range(repeats):
        for _, text in read_queries(data / "queries_test.jsonl"):
            forget_queries(index)
            started = time.perf_counter()
            index.search(text, 10)
            times.append(time.perf_counter() - started)
    print(json.dumps({"p50": pct(times, .5), "mean": statistics.mean(times) * 1000}))


def _processes(pairs: int, repeats: int, against: Path | None) -> None:
    rows = []
    for turn in range(pairs):
        got = {}
        for name in _order(turn):
            env = dict(os.environ)
            if against and name == ENCODERS[0]:  # e5-small as another checkout of tracuu ran it
                env["PYTHONPATH"] = os.pathsep.join([str(against / "src"), env.get("PYTHONPATH", "")])
            out = subprocess.run([sys.executable, __file__, "--solo", name, "--repeats", str(repeats)],
                                 check=True, capture_output=True, text=True, env=env).stdout
            got[name] = json.loads(out.strip().splitlines()[-1])
        rows.append(got)
    first, second = ENCODERS
    print(f"| pair | {first} p50 ms | {second} p50 ms | {second} - {first} |")
    print("|---|---|---|---|")
    for n, got in enumerate(rows, 1):
        print(f"| {n} | {got[first]['p50']:.2f} | {got[second]['p50']:.2f} | "
              f"{got[second]['p50'] - got[first]['p50']:+.2f} |")
    gaps = [got[second]["p50"] - got[first]["p50"] for got in rows]
    print(f"\n{second} - {first}, p50 of each process: mean {statistics.mean(gaps):+.2f} ms, median "
          f"{statistics.median(gaps):+.2f} ms; {second} faster in {sum(g < 0 for g in gaps)} of {len(gaps)} pairs")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--passages", type=int, default=256, help="ALQAC articles encoded per encoder")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--processes", type=int, default=0, help="pairs of fresh processes, one index each (see above)")
    p.add_argument("--against", type=Path, help="--processes: run e5-small from this checkout's src/ (an earlier "
                   "commit, e.g. a git worktree), tracuu-e5 from this one: is the default search slower than it was?")
    p.add_argument("--solo", choices=ENCODERS, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.solo:
        return _solo(args.solo, args.repeats)
    if args.processes:
        return _processes(args.processes, args.repeats, args.against)
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
