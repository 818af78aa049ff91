"""The embedded backend: one generation of an index folder (SQLite store, BM25 arrays, faiss vectors) as the facade
reads it, and how it writes the next one."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from tracuu.backends.base import Documents, Filters, Key, Previous
from tracuu.backends.embedded import builder
from tracuu.backends.embedded.builder import ABBREVIATIONS_FILE, EmbeddedPrevious
from tracuu.backends.embedded.generations import live_generation
from tracuu.backends.embedded.store import Store
from tracuu.backends.manifest import Manifest
from tracuu.errors import IndexCorruptError, TracuuError
from tracuu.ingest.entries import Entry, Progress
from tracuu.ingest.stored import StoredDocument
from tracuu.results import DocumentInfo, Passage
from tracuu.retrieval.bm25 import LexicalIndex, idf_of
from tracuu.retrieval.dense import DenseIndex
from tracuu.retrieval.encoders import Encoder
from tracuu.retrieval.filters import FilterArgument, MetadataFilter
from tracuu.retrieval.fusion import Ranked, top_rows
from tracuu.retrieval.settings import SearchSettings
from tracuu.retrieval.query_plan import QueryPlan
from tracuu.text.analyzer import Analyzer
from tracuu.text.diacritics import DiacriticRestorer

RESTORER_FILE = "restorer.json"


@dataclass(frozen=True)
class EmbeddedBackend:
    """Everything read from one generation of an index folder; replaced as a whole so a reader never sees half an
    update. A passage's key is its row."""

    folder: Path
    manifest: Manifest
    store: Store
    lexical: LexicalIndex
    dense: DenseIndex
    row_documents: np.ndarray  # for each passage row, the position of its document in `documents`
    documents: dict[str, DocumentInfo]
    restorer: DiacriticRestorer | None
    abbreviations: dict[str, list[str]]
    root: Path

    @classmethod
    def load(cls, root: Path) -> "EmbeddedBackend":
        folder = live_generation(root)
        manifest = Manifest.read(folder, str(root))
        try:
            store = Store(folder / "store.sqlite")
            docs = {d.id: d for d in store.documents()}
            position = {d: i for i, d in enumerate(docs)}
            rows = np.array([position[d] for d in store.document_rows()], dtype=np.int32)
            restorer = DiacriticRestorer.load(folder) if (folder / RESTORER_FILE).exists() else None
            learned_file = folder / ABBREVIATIONS_FILE
            learned = json.loads(learned_file.read_text(encoding="utf-8")) if learned_file.exists() else {}
            return cls(folder, manifest, store, LexicalIndex.load(folder), DenseIndex.load(folder), rows, docs,
                       restorer, learned, root)
        except (sqlite3.Error, OSError, ValueError, KeyError, RuntimeError) as exc:  # faiss raises RuntimeError
            raise IndexCorruptError(str(root), f"{type(exc).__name__}: {exc}") from exc

    @property
    def location(self) -> str:
        return str(self.root)

    @property
    def path(self) -> Path:
        return self.root

    @property
    def folder_on_disk(self) -> Path | None:
        return self.root

    @property
    def generation(self) -> str:
        return self.folder.name

    # -- searching ------------------------------------------------------------------------------------------
    @cached_property
    def _document_rows(self) -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray]:
        """Document ids by position, each id's position, and each document's rows as a slice of `order` (a filter
        costs its documents' rows, not a pass over every document: 3 ms per search at 100,000 documents)."""
        ids = list(self.documents)
        order = np.argsort(self.row_documents, kind="stable")
        starts = np.searchsorted(self.row_documents[order], np.arange(len(ids) + 1))
        return ids, {d: i for i, d in enumerate(ids)}, order, starts

    def allowed_rows(self, documents: Documents, filters: FilterArgument) -> np.ndarray | None:
        metadata = MetadataFilter.of(filters)
        if documents is None and not metadata:
            return None
        _, position, order, starts = self._document_rows
        if metadata:
            chosen = None if documents is None else set(documents)
            wanted = [i for i, (doc_id, doc) in enumerate(self.documents.items())
                      if (chosen is None or doc_id in chosen) and metadata.matches(doc.metadata)]
        else:
            wanted = sorted({position[d] for d in documents or () if d in position})
        if not wanted:
            return np.zeros(0, np.int64)
        return np.sort(np.concatenate([order[starts[i]:starts[i + 1]] for i in wanted])).astype(np.int64)

    def lexical_candidates(self, plan: QueryPlan, expansion_weight: float, n: int, documents: Documents,
                           filters: Filters) -> Ranked:
        tokens = plan.lexical
        scores = self.lexical.scores(tokens.exact, tokens.folded, tokens.accented, plan.exact_weight)
        extra = plan.expansion_tokens
        if extra is not None and expansion_weight:
            self.lexical.scores(extra.exact, extra.folded, extra.accented, plan.exact_weight, out=scores,
                                weight=expansion_weight)
        synonyms = plan.synonym_tokens  # thesaurus terms (text/thesaurus.py), below a typed word's weight
        if synonyms is not None and plan.synonym_weight:
            self.lexical.scores(synonyms.exact, synonyms.folded, synonyms.accented, plan.exact_weight, out=scores,
                                weight=plan.synonym_weight)
        return top_rows(scores, n, self.allowed_rows(documents, filters))

    def dense_candidates(self, vector: np.ndarray, n: int, documents: Documents, filters: Filters) -> Ranked:
        if not len(self.dense):
            return Ranked([], [])
        rows, sims = self.dense.search(vector, n, self.allowed_rows(documents, filters))
        return Ranked(rows.tolist(), sims.tolist())

    def idf(self, term: str) -> float:
        field = self.lexical.folded
        tid = field.vocab.get(term)
        df = None if tid is None else int(field.term_ptr[tid + 1] - field.term_ptr[tid])
        return idf_of(df, field.n_rows)

    # -- look-ups -------------------------------------------------------------------------------------------
    def passages_at(self, keys: Sequence[Key]) -> list[Passage | None]:
        return [*self.store.passages_at([int(k) for k in keys])]

    def document_ids(self, keys: Sequence[Key]) -> list[str | None]:
        ids = self._document_rows[0]
        return [ids[self.row_documents[int(k)]] for k in keys]

    def passage(self, passage_id: str) -> Passage | None:
        found = self.store.passage(passage_id)
        return found[1] if found else None

    def passages_of(self, document_id: str) -> list[Passage]:
        return self.store.passages_of(document_id)

    def stored_document(self, document_id: str) -> StoredDocument | None:
        return self.store.stored_document(document_id)

    def info(self) -> dict[str, Any]:
        size = sum(p.stat().st_size for p in self.folder.iterdir() if p.is_file())
        return {"backend": "embedded", "generation": self.generation, "size_bytes": size}

    def latest(self) -> "EmbeddedBackend":
        return self if live_generation(self.root) == self.folder else EmbeddedBackend.load(self.root)

    def close(self) -> None:
        self.store.close()

    # -- writing --------------------------------------------------------------------------------------------
    def previous(self, *, carry: bool = True) -> EmbeddedPrevious:
        return EmbeddedPrevious(self.store, self.dense, carry=carry, recipe=self.manifest.encoder.get("passage_text"),
                                titles={d: info.title for d, info in self.documents.items()})

    def update(self, fresh: Sequence[Entry], removed: Sequence[str], previous: Previous, encoder: Encoder,
               analyzer: Analyzer, settings: SearchSettings, progress: Progress | None
               ) -> tuple[int, "EmbeddedBackend"]:
        """A new generation: `fresh` entries added or replacing theirs, `removed` gone, every other kept."""
        return _write(self.root, self.documents, fresh, removed, previous, encoder, analyzer, settings, progress)


@dataclass(frozen=True)
class NewFolder:
    """A folder with no index this build can start from (none yet, another encoder's, or unreadable): the first
    write makes its first generation."""

    root: Path

    @property
    def location(self) -> str:
        return str(self.root)

    def previous(self, *, carry: bool = True) -> EmbeddedPrevious:
        return EmbeddedPrevious.nothing()

    def update(self, fresh: Sequence[Entry], removed: Sequence[str], previous: Previous, encoder: Encoder,
               analyzer: Analyzer, settings: SearchSettings, progress: Progress | None
               ) -> tuple[int, EmbeddedBackend]:
        return _write(self.root, {}, fresh, removed, previous, encoder, analyzer, settings, progress)

    def close(self) -> None:
        pass


def create(root: Path, encoder: Encoder) -> EmbeddedBackend | NewFolder:
    """The index at `root` for a full build: its vectors are reused only if the same encoder made them."""
    try:
        backend = EmbeddedBackend.load(root)
    except TracuuError:  # no index yet, or one this version cannot read: build from nothing
        return NewFolder(root)
    if backend.manifest.encoder["name"] == encoder.name:
        return backend
    backend.close()
    return NewFolder(root)


def _write(root: Path, documents: dict[str, DocumentInfo], fresh: Sequence[Entry], removed: Sequence[str],
           previous: Previous, encoder: Encoder, analyzer: Analyzer, settings: SearchSettings,
           progress: Progress | None) -> tuple[int, EmbeddedBackend]:
    skip = {e.doc.id for e in fresh} | set(removed)
    kept = [previous.carried(d) for d in documents if d not in skip]
    entries = [e for e in kept if e] + list(fresh)
    # Looked up on the module at each call: a test slows it down to watch reads during a write.
    encoded = builder.write_generation(root, entries, previous, encoder, analyzer, settings, progress)
    return encoded, EmbeddedBackend.load(root)
