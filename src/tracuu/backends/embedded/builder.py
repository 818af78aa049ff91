"""Writes the next generation of an index folder: analyze -> encode -> write, reusing vectors that did not change."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from tracuu.backends.base import Previous
from tracuu.backends.embedded.generations import writing
from tracuu.backends.embedded.store import Store
from tracuu.backends.writing import encode, manifest, merge_abbreviations, still_valid
from tracuu.ingest.entries import Entry, Progress, link_documents
from tracuu.ingest.passage_text import index_text
from tracuu.results import Passage
from tracuu.retrieval.bm25 import LexicalIndex
from tracuu.retrieval.dense import DenseIndex
from tracuu.retrieval.encoders import Encoder
from tracuu.retrieval.settings import SearchSettings
from tracuu.text.abbreviations import learn_definitions
from tracuu.text.analyzer import Analyzer
from tracuu.text.diacritics import DiacriticRestorer

ABBREVIATIONS_FILE = "abbreviations.json"


class EmbeddedPrevious:
    """The live generation an update starts from (`EmbeddedPrevious.nothing()` when building from nothing)."""

    def __init__(self, store: Store | None, dense: DenseIndex | None, *, carry: bool = True,
                 recipe: str | None = None, titles: Mapping[str, str] | None = None) -> None:
        # A full build re-splits every document (splitter fixes apply) and only reuses vectors; updates carry.
        # `recipe` is how the previous vectors were made (passage_text.recipe); another one means encode again.
        # `titles` are the previous documents' (the backend holds them already), for the headings' check.
        self.store, self.dense, self.carry, self.recipe = store, dense, carry, recipe
        self.titles: Mapping[str, str] = titles or {}
        self.hashes: dict[str, tuple[str, str]] = store.hashes() if store else {}
        self.rows: dict[str, int] = store.passage_rows() if store else {}

    @classmethod
    def nothing(cls) -> "EmbeddedPrevious":
        return cls(None, None, carry=False)

    def carried(self, document_id: str) -> Entry | None:
        doc = self.store.stored_document(document_id) if self.store else None
        return Entry(doc, self.store.passages_of(document_id)) if doc and self.store else None

    def vectors(self, passages: Sequence[Passage], titles: Mapping[str, str], encoder: Encoder
                ) -> dict[str, np.ndarray]:
        """The previous vectors still valid for `passages`, by passage id."""
        store, dense = self.store, self.dense
        if store is None or dense is None:
            return {}
        known = [p for p in passages if p.id in self.rows]
        valid = still_valid(known, titles, encoder, self.recipe,
                            lambda ps: store.passages_at([self.rows[p.id] for p in ps]), self.titles)
        if not valid:
            return {}
        return dict(zip([p.id for p in valid], dense.vectors(np.array([self.rows[p.id] for p in valid]))))


def write_generation(root: Path, entries: list[Entry], previous: Previous, encoder: Encoder,
                     analyzer: Analyzer, settings: SearchSettings, progress: Progress | None) -> int:
    """Write every part of the next generation and swap it in; returns how many passages were encoded."""
    entries = link_documents(entries)
    passages = [p for e in entries for p in e.passages]
    titles = {e.doc.id: e.doc.title for e in entries}
    vectors, encoded = encode(passages, titles, encoder, previous.vectors(passages, titles, encoder), progress)
    analyzed = [analyzer.analyze(index_text(p)) for p in passages]
    lexical = LexicalIndex.build([a.exact for a in analyzed], [a.folded for a in analyzed])
    with writing(root) as folder:
        store = Store(folder / "store.sqlite", create=True)
        for e in entries:
            store.add_document(e.doc)
        store.add_passages(passages, 0)
        store.commit()
        store.close()
        lexical.save(folder)
        # Learned from this index's own passages, so restored queries use its vocabulary.
        DiacriticRestorer.train(p.text for p in passages).save(folder)
        learned = merge_abbreviations(learn_definitions(e.doc.text) for e in entries)
        (folder / ABBREVIATIONS_FILE).write_text(json.dumps(learned, ensure_ascii=False, indent=0), encoding="utf-8")
        DenseIndex.build(vectors, encoder.dim).save(folder)
        manifest(analyzer, encoder, settings, len(entries), len(passages), manifest_sources(entries)).write(folder)
    return encoded


def manifest_sources(entries: list[Entry]) -> dict[str, dict[str, Any]]:
    """Each source file with its hash and how many documents it gave. Per-document hashes live in the store:
    a 100,000-line .jsonl corpus would otherwise make a 26 MB manifest that every open parses."""
    out: dict[str, dict[str, Any]] = {}
    for e in entries:
        row = out.setdefault(e.doc.source, {"documents": 0})
        row["documents"] += 1
        if e.doc.format != "jsonl":  # a .jsonl document's file_hash is its line's content hash
            row["file_hash"] = e.doc.file_hash
    return out
