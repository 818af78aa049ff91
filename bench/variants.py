"""What else was tried to lift retrieval quality, measured on the same cached indexes as bench/quality.py.

    python bench/variants.py            # ALQAC train + test and party-dev, as written and folded
    python bench/variants.py --sentences  # also the best-sentence dense score (encodes ~25k sentences: ~10 min)

Every variant re-scores the same candidates from the full score vectors (BM25 folded and exact fields, expansions,
e5 cosines, document-title BM25), so the differences come from the variant alone; the no-heading row encodes the
passages a second time, alone, once (cached). The "base" row re-implements the shipped linear fusion and title
field in numpy; it lands within 0.01 of bench/quality.py's hybrid row (ties are broken differently, and
references, a rule with no signal in ALQAC train, are left out). ALQAC test is only reported, never tuned on: a
variant is kept when ALQAC train and party-dev say so.
"""
from __future__ import annotations

import argparse
from typing import Callable

import numpy as np

from quality import CACHE, CORPUS, SHARED, open_or_build

from tracuu.text.analyzer import Analyzer
from tracuu.evaluate import bench_fold, read_gold, read_qrels, read_queries
from tracuu.retrieval.bm25 import BM25Field
from tracuu.ingest.passage_text import index_text
from tracuu.text.sentences import split_sentences

ALQAC = SHARED / "bench" / "alqac2023"
Q = dict  # one query's score vectors and plan flags


def score_vectors(index, query: str) -> Q:
    b = index._backend
    plan = index.plan(query)
    doc_titles = index._documents_known(b)[2].scores(plan.lexical.folded)
    t, lex = plan.lexical, b.lexical
    zeros = np.zeros(len(b.dense), np.float32)
    e = plan.expansion_tokens
    return {"query": query, "accented": plan.accented, "restored": plan.restored is not None,
            "folded": lex.folded.scores(t.folded), "exact": lex.exact.scores(t.exact) if t.accented else zeros,
            "expf": lex.folded.scores(e.folded) if e else zeros,
            "expe": lex.exact.scores(e.exact) if e and e.accented else zeros,
            "dense": index._all_vectors @ index.search_vector(plan.dense_text, index.settings.query_as_passage),
            "dense_both": index._all_vectors @ index.search_vector(plan.dense_text, 1.0), "dense_text": plan.dense_text,
            "titles": doc_titles[index._row_positions]}


def scaled(s: np.ndarray, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Min-max over the top `n` (as fusion.py does); rows outside get 0."""
    idx = np.argpartition(-s, n)[:n]
    idx = idx[s[idx] > 0] if s.max() > 0 else idx[:0]
    out = np.zeros_like(s)
    if len(idx):
        lo, hi = s[idx].min(), s[idx].max()
        out[idx] = (s[idx] - lo) / (hi - lo) if hi > lo else 1.0
    return out, idx


def lexical_of(q: Q, ew: float = 0.5) -> np.ndarray:
    a = q["accented"]
    return q["folded"] + (ew * q["exact"] if a else 0) + q["expf"] + (ew * q["expe"] if a else 0)


def lifted(q: Q, lex: np.ndarray | None = None, weight: float = 0.3) -> np.ndarray:
    """The shipped title field (titles.py): its top-100 lexical candidates gain weight x their document's title
    BM25."""
    lex = lexical_of(q) if lex is None else lex
    if not weight:
        return lex
    cand = np.argpartition(-lex, 100)[:100]
    cand = cand[lex[cand] > 0]
    out = lex.copy()
    out[cand] += weight * q["titles"][cand]
    return out


def fused(q: Q, lex: np.ndarray | None = None, dense: np.ndarray | None = None, norm: str = "minmax",
          dw: float = 0.5, dwr: float = 0.5) -> np.ndarray:
    lex = lifted(q) if lex is None else lex
    dense = q["dense"] if dense is None else dense
    w = dwr if q["restored"] else (dw if q["accented"] else 0.0)
    li = np.argpartition(-lex, 100)[:100]
    li = li[lex[li] > 0]
    di = np.argpartition(-dense, 100)[:100]
    cand = np.union1d(li, di) if w else li
    if norm == "z":
        L = (lex - lex[li].mean()) / (lex[li].std() + 1e-9) if len(li) else np.zeros_like(lex)
        D = (dense - dense[di].mean()) / (dense[di].std() + 1e-9)
    else:
        L, _ = scaled(lex)
        D = np.zeros_like(dense)
        lo, hi = dense[di].min(), dense[di].max()
        D[di] = (dense[di] - lo) / (hi - lo)
    out = np.full_like(lex, -np.inf)
    out[cand] = L[cand] + w * D[cand]
    return out


# -- metrics ----------------------------------------------------------------------------------------------------
def alqac_mrr(queries: dict, docs: list[str], scorer: Callable[[Q], np.ndarray], split: str, form: str):
    qrels = read_qrels(ALQAC / f"qrels_{split}.tsv")
    mrr = recall = 0.0
    keys = [k for k in queries if k[0] == split and k[1] == form]
    for key in keys:
        s = scorer(queries[key])
        ranked: list[str] = []
        for r in np.argsort(-s, kind="stable")[:60]:
            if s[r] == -np.inf:
                break
            if docs[r] not in ranked:
                ranked.append(docs[r])
            if len(ranked) == 10:
                break
        rel = qrels.get(key[2], set())
        first = next((i for i, d in enumerate(ranked) if d in rel), None)
        mrr += 0 if first is None else 1 / (first + 1)
        recall += len(rel & set(ranked)) / len(rel)
    return mrr / len(keys), recall / len(keys)


def party_mrr(queries: dict, texts: list[str], gold: dict, scorer: Callable[[Q], np.ndarray], form: str):
    hit5 = mrr = 0.0
    keys = [k for k in queries if k[1] == form and gold[k[2]].gold]
    for key in keys:
        s = scorer(queries[key])
        snippets = [bench_fold(g) for g in gold[key[2]].gold]
        order = np.argsort(-s, kind="stable")[:10]
        first = next((i for i, r in enumerate(order) if s[r] > -np.inf and any(g in texts[r] for g in snippets)),
                     None)
        if first is not None:
            mrr += 1 / (first + 1)
            hit5 += first < 5
    return hit5 / len(keys), mrr / len(keys)


# -- variants ---------------------------------------------------------------------------------------------------
def bm25_variant(data: dict, k1: float, b: float) -> Callable[[Q], np.ndarray]:
    analyzer = Analyzer()
    folded = BM25Field.build(data["tokens_folded"], k1, b)
    exact = BM25Field.build(data["tokens_exact"], k1, b)

    def scorer(q: Q) -> np.ndarray:
        t = analyzer.analyze(q["query"])
        lex = folded.scores(t.folded) + (0.5 * exact.scores(t.exact) if q["accented"] else 0)
        return fused(q, lex=lifted(q, lex + q["expf"] + (0.5 * q["expe"] if q["accented"] else 0)))
    return scorer


def prf_variant(data: dict, k: int, a: float) -> Callable[[Q], np.ndarray]:
    X = data["vectors"]

    def scorer(q: Q) -> np.ndarray:
        top = np.argsort(-fused(q))[:k]
        return fused(q, dense=(q["dense"] + a * (X @ X[top].mean(0))) / (1 + a))
    return scorer


def sentence_variant(data: dict, index, ws: float) -> Callable[[Q], np.ndarray]:
    """Add the best sentence's e5 cosine (max over a passage's sentences) for the top 20 fused candidates."""
    cache = data.setdefault("sentence_vectors", {})
    qcache = data.setdefault("query_vectors", {})

    def scorer(q: Q) -> np.ndarray:
        s = fused(q)
        w = 0.3 if q["restored"] else (0.5 if q["accented"] else 0.0)
        if not w:
            return s
        cands = np.argsort(-s)[:20]
        if q["dense_text"] not in qcache:
            qcache[q["dense_text"]] = index.search_vector(q["dense_text"], index.settings.query_as_passage)
        v = qcache[q["dense_text"]]
        best = []
        for r in cands:
            text = data["texts"][r]
            if text not in cache:
                parts = [text[a:b] for a, b in split_sentences(text)] or [text]
                cache[text] = index.encoder.encode_passages(parts)
            best.append(float((cache[text] @ v).max()))
        best_arr = np.array(best)
        out = s.copy()
        out[cands] += ws * w * (best_arr - best_arr.min()) / (np.ptp(best_arr) + 1e-9)
        return out
    return scorer


def plain_variant(data: dict, index) -> Callable[[Q], np.ndarray]:
    """Dense vectors of the passage alone, as before passage_text.py put each passage under its heading (encoded
    once into bench/.cache/plain-<name>.npy: ~4 min for ALQAC)."""
    path = CACHE / f"plain-{data['name']}.npy"
    if not path.exists():
        b = index._backend
        texts = [index_text(p) for p in b.passages_at(list(range(len(b.dense))))]
        np.save(path, np.vstack([index.encoder.encode_passages(texts[i:i + 32]) for i in range(0, len(texts), 32)]))
    X = np.load(path)
    qcache = data.setdefault("query_vectors", {})

    def scorer(q: Q) -> np.ndarray:
        if q["dense_text"] not in qcache:
            qcache[q["dense_text"]] = index.search_vector(q["dense_text"], index.settings.query_as_passage)
        return fused(q, dense=X @ qcache[q["dense_text"]])
    return scorer


def load(name: str) -> tuple[dict, object]:
    if name == "alqac":
        index = open_or_build("alqac", [ALQAC / "corpus.jsonl"], None)
    else:
        index = open_or_build("party", [CORPUS], None)
    b = index._backend
    n = len(b.dense)
    index._all_vectors = b.dense.vectors(np.arange(n))
    index._row_positions = b.row_documents  # each row's document position, as titles.py files them
    passages = b.passages_at(list(range(n)))
    analyzer = Analyzer()
    analyzed = [analyzer.analyze(p.text) for p in passages]
    data = {"name": name, "docs": [p.document_id for p in passages], "texts": [p.text for p in passages],
            "folded_texts": [bench_fold(p.text) for p in passages], "vectors": index._all_vectors,
            "tokens_folded": [a.folded for a in analyzed], "tokens_exact": [a.exact for a in analyzed],
            "queries": {}}
    if name == "alqac":
        for split in ("train", "test"):
            for qid, text in read_queries(ALQAC / f"queries_{split}.jsonl"):
                data["queries"][(split, "w", qid)] = score_vectors(index, text)
                data["queries"][(split, "f", qid)] = score_vectors(index, bench_fold(text))
    else:
        for g in read_gold(SHARED / "bench" / "party-dev.jsonl"):
            data["queries"][("dev", "w", g.id)] = score_vectors(index, g.query)
            data["queries"][("dev", "f", g.id)] = score_vectors(index, bench_fold(g.query))
    return data, index


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sentences", action="store_true", help="also the best-sentence dense variant (slow)")
    args = p.parse_args()
    alqac, alqac_index = load("alqac")
    party, party_index = load("party")
    gold = {g.id: g for g in read_gold(SHARED / "bench" / "party-dev.jsonl")}
    variants: list[tuple[str, Callable[[dict, object], Callable[[Q], np.ndarray]]]] = [
        ("base: linear min-max, dense 0.5, title field 0.3, passages under headings (shipped)", lambda d, i: fused),
        ("dense vectors of the passage alone (no heading)", plain_variant),
        ("the query read both ways (query_as_passage 1.0, opt-in)",
         lambda d, i: lambda q: fused(q, dense=q["dense_both"])),
        ("without the title field", lambda d, i: lambda q: fused(q, lex=lifted(q, weight=0.0))),
        ("title field 0.5", lambda d, i: lambda q: fused(q, lex=lifted(q, weight=0.5))),
        ("z-score fusion, dense 0.5", lambda d, i: lambda q: fused(q, norm="z")),
        ("z-score fusion, dense 1.0", lambda d, i: lambda q: fused(q, norm="z", dw=1.0)),
    ]
    for k1, b in ((0.9, 0.75), (1.6, 0.75), (1.2, 0.5), (1.2, 0.9), (2.0, 0.9)):
        variants.append((f"BM25 k1={k1} b={b}", lambda d, i, k1=k1, b=b: bm25_variant(d, k1, b)))
    for k, a in ((1, 0.3), (3, 0.3), (5, 0.6)):
        variants.append((f"dense pseudo-relevance feedback, top {k}, weight {a}",
                         lambda d, i, k=k, a=a: prf_variant(d, k, a)))
    if args.sentences:
        for ws in (0.5, 1.0):
            variants.append((f"best-sentence e5 cosine, weight {ws}",
                             lambda d, i, ws=ws: sentence_variant(d, i, ws)))
    print("| variant | ALQAC train MRR@10 written / folded | ALQAC test MRR@10 written / folded | "
          "ALQAC test R@10 written / folded | party-dev hit@5 written / folded | party-dev MRR@10 written / folded |")
    print("|---|---|---|---|---|---|")
    for name, make in variants:
        a_scorer, p_scorer = make(alqac, alqac_index), make(party, party_index)
        train = [alqac_mrr(alqac["queries"], alqac["docs"], a_scorer, "train", f) for f in "wf"]
        test = [alqac_mrr(alqac["queries"], alqac["docs"], a_scorer, "test", f) for f in "wf"]
        dev = [party_mrr(party["queries"], party["folded_texts"], gold, p_scorer, f) for f in "wf"]
        print(f"| {name} | {train[0][0]:.3f} / {train[1][0]:.3f} | {test[0][0]:.3f} / {test[1][0]:.3f} | "
              f"{test[0][1]:.3f} / {test[1][1]:.3f} | {dev[0][0]:.3f} / {dev[1][0]:.3f} | "
              f"{dev[0][1]:.3f} / {dev[1][1]:.3f} |", flush=True)


if __name__ == "__main__":
    main()
