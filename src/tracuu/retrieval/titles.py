"""Document titles and names as a small BM25 field of their own (BM25F-like): a query sharing words with a
document's title or name ("Luật Du lịch", "Kế hoạch … chuyển đổi số") lifts that document's lexical candidates.

Measured (bench/variants.py): on the tuning data, ALQAC train MRR@10 0.917 -> 0.929 as written, 0.908 -> 0.939
folded, party-dev MRR@10 0.773 -> 0.775 and 0.766 -> 0.788; on ALQAC test (references left out) MRR@10 0.842 ->
0.846 / 0.847, but R@10 as written 0.949 -> 0.939. Applied to the candidates only, so every backend agrees.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from tracuu.text.analyzer import Analyzer
from tracuu.retrieval.fusion import Ranked
from tracuu.retrieval.bm25 import BM25Field
from tracuu.retrieval.references import NAME_KEYS
from tracuu.results import DocumentInfo

K1 = 1.2
B = 0.3  # titles are short and similar in length: length matters little


def title_text(doc: DocumentInfo) -> str:
    meta = doc.metadata or {}
    return " ".join([doc.title, *(str(meta[k]) for k in NAME_KEYS if meta.get(k))])


class DocumentTitles:
    """Built once per generation from the documents the index already holds in memory."""

    def __init__(self, documents: Mapping[str, DocumentInfo], analyzer: Analyzer) -> None:
        analyzed: dict[str, list[str]] = {}  # many documents share a title ("Phạm vi điều chỉnh")
        tokens = []
        for doc in documents.values():
            text = title_text(doc)
            if text not in analyzed:
                analyzed[text] = analyzer.analyze(text).folded
            tokens.append(analyzed[text])
        self._field = BM25Field.build(tokens, K1, B)
        self._position = {d: i for i, d in enumerate(documents)}

    def scores(self, folded: Sequence[str]) -> np.ndarray:
        """Title BM25 of every document, in the documents' order."""
        return self._field.scores(folded)

    def lift(self, ranked: Ranked, document_ids: Sequence[str | None], folded: Sequence[str],
             weight: float) -> Ranked:
        """`ranked` with weight x (title BM25 of each candidate's document) added, best first again."""
        if not ranked.rows or not weight:
            return ranked
        scores = self.scores(folded)
        lifted = [s + weight * float(scores[self._position[d]]) if d in self._position else s
                  for s, d in zip(ranked.scores, document_ids)]
        order = sorted(range(len(lifted)), key=lambda i: -lifted[i])
        return Ranked([ranked.rows[i] for i in order], [lifted[i] for i in order])
