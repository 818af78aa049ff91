"""BM25 over the analyzer's tokens, one inverted index per field, stored as plain numpy arrays (no pickle)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

K1 = 1.2
B = 0.75


def idf_of(df: int | None, n_rows: int) -> float:
    """BM25's idf of a term in `df` of `n_rows` passages; a term the index never saw (None) gets the highest weight:
    a question about something absent from every document should not look covered. Both backends use it."""
    n = max(n_rows, 1)
    return math.log(1.0 + (n + 0.5) / 0.5) if df is None else math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass
class BM25Field:
    """Postings in CSR form with the BM25 weight of each (term, passage) precomputed at build time."""

    vocab: dict[str, int]
    term_ptr: np.ndarray  # int64, len(vocab) + 1
    rows: np.ndarray  # int32 passage rows
    weights: np.ndarray  # float32 BM25 contribution of the term in that passage
    n_rows: int

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> "BM25Field":
        vocab: dict[str, int] = {}
        term_ids: list[np.ndarray] = []
        for tokens in docs:
            term_ids.append(np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), np.int64, len(tokens)))
        n = len(docs)
        lengths = np.array([len(t) for t in term_ids], dtype=np.float64)
        avgdl = float(lengths.mean()) if n and lengths.sum() else 1.0
        # Count (term, row) pairs in one vectorized pass instead of a dict per passage.
        rows_all = np.repeat(np.arange(n, dtype=np.int64), lengths.astype(np.int64))
        terms_all = np.concatenate(term_ids) if term_ids else np.zeros(0, np.int64)
        pair = terms_all * max(n, 1) + rows_all
        uniq, tf = np.unique(pair, return_counts=True)
        terms = uniq // max(n, 1)
        rows = (uniq % max(n, 1)).astype(np.int32)
        df = np.bincount(terms, minlength=len(vocab)).astype(np.float64)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        norm = k1 * (1.0 - b + b * lengths[rows] / avgdl)
        weights = (idf[terms] * tf * (k1 + 1.0) / (tf + norm)).astype(np.float32)
        term_ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(vocab)), out=term_ptr[1:])
        return cls(vocab, term_ptr, rows, weights, n)

    def scores(self, tokens: Sequence[str], out: np.ndarray | None = None, weight: float = 1.0) -> np.ndarray:
        """BM25 of every row for `tokens`, times `weight`, added into `out` (one buffer per query at 100k rows)."""
        if out is None:
            out = np.zeros(self.n_rows, dtype=np.float32)
        for term in set(tokens):
            tid = self.vocab.get(term)
            if tid is None:
                continue
            lo, hi = self.term_ptr[tid], self.term_ptr[tid + 1]
            out[self.rows[lo:hi]] += self.weights[lo:hi] if weight == 1.0 else weight * self.weights[lo:hi]
        return out

    def save(self, folder: Path, name: str) -> None:
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / f"{name}.vocab.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        np.savez(folder / f"{name}.npz", term_ptr=self.term_ptr, rows=self.rows, weights=self.weights,
                 n_rows=np.array([self.n_rows]))

    @classmethod
    def load(cls, folder: Path, name: str) -> "BM25Field":
        terms = json.loads((folder / f"{name}.vocab.json").read_text(encoding="utf-8"))
        with np.load(folder / f"{name}.npz", allow_pickle=False) as z:
            return cls({t: i for i, t in enumerate(terms)}, z["term_ptr"], z["rows"], z["weights"],
                       int(z["n_rows"][0]))


class LexicalIndex:
    """The exact (accented, tone-placement free) field and the folded (no diacritics) field."""

    FIELDS = ("exact", "folded")

    def __init__(self, exact: BM25Field, folded: BM25Field) -> None:
        self.exact = exact
        self.folded = folded

    @classmethod
    def build(cls, exact_docs: Sequence[Sequence[str]], folded_docs: Sequence[Sequence[str]]) -> "LexicalIndex":
        return cls(BM25Field.build(exact_docs), BM25Field.build(folded_docs))

    def scores(self, exact: Sequence[str], folded: Sequence[str], accented: bool,
               exact_weight: float = 1.0, *, out: np.ndarray | None = None, weight: float = 1.0) -> np.ndarray:
        """Folded matching always; when the user typed accents, exact-accent matches earn extra."""
        total = self.folded.scores(folded, out, weight)
        if accented and exact_weight:
            self.exact.scores(exact, total, weight * exact_weight)
        return total

    def save(self, folder: Path) -> None:
        self.exact.save(folder, "lexical-exact")
        self.folded.save(folder, "lexical-folded")

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        return cls(BM25Field.load(folder, "lexical-exact"), BM25Field.load(folder, "lexical-folded"))
