"""The faiss part: filtered searches score a few rows directly and agree with faiss's own filtered scan."""
from __future__ import annotations

import numpy as np

from tracuu.retrieval.dense import FEW, DenseIndex


def _index(n: int = 200, dim: int = 16) -> tuple[DenseIndex, np.ndarray]:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return DenseIndex.build(vectors, dim), vectors


def test_few_allowed_rows_match_a_full_scan():
    index, vectors = _index()
    query = vectors[7] + 0.1 * vectors[3]
    query /= np.linalg.norm(query)
    allowed = np.array([3, 7, 50, 120, 199])
    assert len(allowed) * FEW < len(index)  # the numpy path
    rows, sims = index.search(query, 3, allowed)
    expected = allowed[np.argsort(-(vectors[allowed] @ query))[:3]]
    assert rows.tolist() == expected.tolist() and rows[0] == 7
    assert np.allclose(sims, vectors[rows] @ query, atol=1e-5)
    many = np.arange(0, 200, 2)  # half the rows: faiss's filtered scan
    rows_many, _ = index.search(query, 5, many)
    assert set(rows_many.tolist()) <= set(many.tolist()) and rows_many[0] == np.argmax(vectors[many] @ query) * 2


def test_vectors_are_copies_of_the_stored_rows():
    index, vectors = _index(20)
    got = index.vectors(np.array([4, 0, 19]))
    assert np.allclose(got, vectors[[4, 0, 19]])
    got[:] = 0  # a copy: the index keeps its vectors
    assert np.allclose(index.vectors(np.array([4])), vectors[[4]])
