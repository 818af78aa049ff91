"""Which documents say X: search hits grouped by document, with how many of each document's passages say it.

An analyst asking which texts mention "2045" wants a list of documents, not of passages: NQ 57 has several
passages on 2045, and a flat list of ten passages hides the documents ranked below them. A passage *says* the
query when it holds every content word of it (folded, so "nam 2045" finds "năm 2045"); the others among the
results are related by meaning only, and are counted apart.
"""
from __future__ import annotations

from typing import Sequence

from tracuu.qa.evidence import STOPWORDS, STOPWORDS_ACCENTED
from tracuu.results import DocumentHits, Hit
from tracuu.text.analyzer import Analyzer, fold


def query_words(analyzer: Analyzer, query: str) -> frozenset[str]:
    """The query's content syllables, folded; question and function words ("của", "là", "gì") say nothing."""
    syllables = analyzer.syllables(query)
    folded = analyzer.analyze(query).folded[:len(syllables)]
    return frozenset(f for s, f in zip(syllables, folded)
                     if not (s in STOPWORDS_ACCENTED or (fold(s) == s and s in STOPWORDS)))


def says(analyzer: Analyzer, words: frozenset[str], hit: Hit) -> bool:
    """Whether the passage (with its table header, if any) holds every word of the query."""
    if not words:
        return False
    text = f"{hit.passage.context}\n{hit.passage.text}" if hit.passage.context else hit.passage.text
    return words <= set(analyzer.analyze(text).folded)


def group(hits: Sequence[Hit], words: frozenset[str], analyzer: Analyzer, k: int,
          per_document: int) -> list[DocumentHits]:
    """The first `k` documents, each with its `per_document` best hits and its counts: those that say the query
    first (official texts, then commentary), then those only related to it by meaning, each in the order of its
    best hit."""
    order: dict[str, list[Hit]] = {}
    for hit in hits:
        order.setdefault(hit.document.id, []).append(hit)
    counted = [(sum(says(analyzer, words, h) for h in doc_hits), doc_hits) for doc_hits in order.values()]
    # Stable: best-hit order within each group; official texts before commentary that says the same.
    counted.sort(key=lambda pair: (pair[0] == 0, not pair[1][0].document.official))
    return [DocumentHits(rank, doc_hits[0].document, count, len(doc_hits), doc_hits[0].score,
                         tuple(doc_hits[:per_document]))
            for rank, (count, doc_hits) in enumerate(counted[:k], 1)]
