"""The seam between the facade and where an index lives: what every backend (embedded/, milvus/) offers."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

import numpy as np

from tracuu.backends.manifest import Manifest
from tracuu.ingest.entries import Entry, KnownDocuments, Progress
from tracuu.ingest.stored import StoredDocument
from tracuu.results import DocumentInfo, Passage
from tracuu.retrieval.encoders import Encoder
from tracuu.retrieval.filters import MetadataFilter
from tracuu.retrieval.fusion import Key, Ranked
from tracuu.retrieval.settings import SearchSettings
from tracuu.retrieval.query_plan import QueryPlan
from tracuu.text.analyzer import Analyzer
from tracuu.text.diacritics import DiacriticRestorer

Documents = Sequence[str] | None
Filters = MetadataFilter | None  # parsed once, by the facade

__all__ = ["Backend", "Documents", "Filters", "Key", "Previous", "Writable"]


class Previous(KnownDocuments, Protocol):
    """The index an update starts from: its documents (to carry unchanged ones) and its vectors (to reuse)."""

    def vectors(self, passages: Sequence[Passage], titles: Mapping[str, str], encoder: Encoder
                ) -> dict[str, np.ndarray]:
        """Stored vectors still valid for `passages` (same text, recipe and heading), by passage id."""
        ...


class Writable(Protocol):
    """What a build needs: a place that takes the next set of documents (an index, or room for a new one)."""

    @property
    def location(self) -> str: ...

    def previous(self, *, carry: bool = True) -> Previous: ...

    def update(self, fresh: Sequence[Entry], removed: Sequence[str], previous: Previous, encoder: Encoder,
               analyzer: Analyzer, settings: SearchSettings, progress: Progress | None) -> tuple[int, "Backend"]:
        """Write `fresh` (added or replacing theirs) and drop `removed`, keeping every other document; returns how
        many passages were encoded and the backend over the result. `previous` is this backend's own."""
        ...

    def close(self) -> None: ...


class Backend(Writable, Protocol):
    """What the facade asks of an index's storage; keys are whatever the backend names a passage by."""

    generation: str  # changes with every write: caches and `reload` key on it
    manifest: Manifest
    documents: dict[str, DocumentInfo]  # in id order
    restorer: DiacriticRestorer | None
    abbreviations: dict[str, list[str]]  # definitions the documents make themselves: "Ban Chỉ đạo (BCĐ)"

    @property
    def path(self) -> str | Path:
        """What the user opened: a folder, or a Milvus address."""
        ...

    @property
    def folder_on_disk(self) -> Path | None:
        """The index's own folder on this machine (uploads are kept there); None when it lives in a server."""
        ...

    def lexical_candidates(self, plan: QueryPlan, expansion_weight: float, n: int, documents: Documents,
                           filters: Filters) -> Ranked: ...

    def dense_candidates(self, vector: np.ndarray, n: int, documents: Documents, filters: Filters) -> Ranked: ...

    def passages_at(self, keys: Sequence[Key]) -> list[Passage | None]: ...

    def document_ids(self, keys: Sequence[Key]) -> list[str | None]: ...

    def passage(self, passage_id: str) -> Passage | None: ...

    def passages_of(self, document_id: str) -> list[Passage]: ...

    def stored_document(self, document_id: str) -> StoredDocument | None: ...

    def idf(self, term: str) -> float: ...

    def info(self) -> dict[str, Any]: ...

    def latest(self) -> "Backend": ...
