"""What both backends do when they write: decide which stored vectors still fit, encode the rest, merge the
abbreviations the documents define, and describe the result in a manifest."""
from __future__ import annotations

import time
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from tracuu.backends.manifest import Manifest
from tracuu.ingest.entries import Progress
from tracuu.ingest.passage_text import TEXT_ONLY, dense_text, recipe, unchanged
from tracuu.results import Passage
from tracuu.retrieval.encoders import Encoder
from tracuu.retrieval.settings import SearchSettings
from tracuu.text.analyzer import Analyzer
from tracuu.version import __version__

ENCODE_BATCH = 32


def encoder_entry(encoder: Encoder) -> dict[str, Any]:
    """The manifest's record of what made the vectors: a query must use the same model, an update the same
    recipe (`passage_text`) to reuse them."""
    return {"name": encoder.name, "dim": encoder.dim, "max_tokens": encoder.max_tokens,
            "passage_text": recipe(encoder)}


def still_valid(passages: Sequence[Passage], titles: Mapping[str, str], encoder: Encoder, stored_recipe: str | None,
                stored: Callable[[list[Passage]], Iterable[Passage]], stored_titles: Mapping[str, str]
                ) -> list[Passage]:
    """The passages (already stored under the same id, so the same text) whose stored vector still fits: made by
    the same recipe and, where the encoder reads headings, under the same heading. `stored` reads the stored
    passages back, only when the headings matter."""
    if not passages or stored_recipe != recipe(encoder):
        return []
    if recipe(encoder) == TEXT_ONLY:
        return list(passages)
    return unchanged(passages, titles, {p.id: p for p in stored(list(passages))}, stored_titles)


def encode(passages: Sequence[Passage], titles: Mapping[str, str], encoder: Encoder,
           reuse: Mapping[str, np.ndarray], progress: Progress | None, done: int = 0, total: int | None = None
           ) -> tuple[np.ndarray, int]:
    """One vector per passage: reused where `reuse` has it, else encoded under its heading in batches. Returns
    the vectors and how many were encoded; progress counts from `done` towards `total` (default: this call's)."""
    vectors = np.zeros((len(passages), encoder.dim), np.float32)
    for i, p in enumerate(passages):
        if p.id in reuse:
            vectors[i] = reuse[p.id]
    todo = [i for i, p in enumerate(passages) if p.id not in reuse]
    total = len(todo) if total is None else total
    for lo in range(0, len(todo), ENCODE_BATCH):
        batch = todo[lo:lo + ENCODE_BATCH]
        vectors[batch] = encoder.encode_passages([dense_text(passages[i], titles.get(passages[i].document_id, ""),
                                                             encoder) for i in batch])
        if progress:
            progress("encode", done + min(lo + ENCODE_BATCH, len(todo)), total)
    return vectors, len(todo)


def merge_abbreviations(found: Iterable[Mapping[str, Iterable[str]]]) -> dict[str, list[str]]:
    """Abbreviations the documents define themselves ("Ban Chỉ đạo (BCĐ)"), merged over the index."""
    merged: dict[str, set[str]] = {}
    for definitions in found:
        for short, full in definitions.items():
            merged.setdefault(short, set()).update(full)
    return {short: sorted(full) for short, full in sorted(merged.items())}


def manifest(analyzer: Analyzer, encoder: Encoder, settings: SearchSettings, documents: int, passages: int,
             sources: dict[str, dict[str, Any]], created: str | None = None) -> Manifest:
    """The manifest of a generation just written (`created` stamps it: caches and `reload` key on it)."""
    return Manifest(analyzer=analyzer.to_dict(), encoder=encoder_entry(encoder), documents=documents,
                    passages=passages, sources=sources, fusion=settings.to_dict(),
                    created=created or time.strftime("%Y-%m-%dT%H:%M:%S%z"), tracuu_version=__version__)
