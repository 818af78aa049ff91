"""Dense vectors in a faiss inner-product index (vectors are normalized, so scores are cosines)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

FILE = "dense.faiss"
FEW = 8  # an `allowed` set under 1/FEW of the rows is scored with numpy instead of a filtered faiss scan


def _faiss():
    import faiss

    # Two cores are common here; faiss's OpenMP default oversubscribes them next to the encoder's threads.
    faiss.omp_set_num_threads(1)
    return faiss


class DenseIndex:
    def __init__(self, index, dim: int) -> None:
        self._index = index
        self.dim = dim

    @classmethod
    def build(cls, vectors: np.ndarray, dim: int) -> "DenseIndex":
        faiss = _faiss()
        index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, dim)

    def __len__(self) -> int:
        return self._index.ntotal

    def _matrix(self) -> np.ndarray:
        """The stored vectors as a numpy view (no copy); valid while this index lives."""
        n = self._index.ntotal
        if n == 0:
            return np.zeros((0, self.dim), np.float32)
        return _faiss().rev_swig_ptr(self._index.get_xb(), n * self.dim).reshape(n, self.dim)

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """Stored vectors of these rows, so an update re-encodes nothing that did not change."""
        if len(rows) == 0:
            return np.zeros((0, self.dim), np.float32)
        return self._matrix()[np.asarray(rows, dtype=np.int64)].copy()

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows and cosines; `allowed` (row numbers) restricts the search for filters."""
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            faiss = _faiss()
            if len(allowed) == 0:
                return np.zeros(0, np.int64), np.zeros(0, np.float32)
            if len(allowed) * FEW < len(self):
                # A few documents: score their rows directly; faiss would still scan every vector (5 ms at 100k).
                allowed = np.asarray(allowed, dtype=np.int64)
                sims = self._matrix()[allowed] @ q[0]
                top = np.argsort(-sims, kind="stable")[:k]
                return allowed[top], sims[top]
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
            k = min(k, len(allowed))
        scores, rows = self._index.search(q, k, params=params)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]

    def save(self, folder: Path) -> None:
        _faiss().write_index(self._index, str(folder / FILE))

    @classmethod
    def load(cls, folder: Path) -> "DenseIndex":
        index = _faiss().read_index(str(folder / FILE))
        return cls(index, index.d)
