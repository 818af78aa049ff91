"""What `ask` and `quotes` need from an index: a small protocol, so that qa/ never imports the facade."""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from tracuu.results import DocumentInfo, Hit, Passage, Sentence
from tracuu.retrieval.encoders import Encoder
from tracuu.text.analyzer import Analyzer


class PassageSource(Protocol):
    """The part of `tracuu.Index` that answers and quotes read; a test can pass any object that has it."""

    @property
    def analyzer(self) -> Analyzer: ...

    @property
    def sentence_encoder(self) -> Encoder: ...

    def search(self, query: str, k: int = 10, *, mode: str = "hybrid", documents: Sequence[str] | None = None,
               filters: dict[str, str] | None = None, explain: bool = False,
               official_only: bool = False) -> list[Hit]: ...

    def idf(self, term: str) -> float: ...

    def documents(self, filters: dict[str, str] | None = None) -> list[DocumentInfo]: ...

    def document_text(self, document_id: str) -> str: ...

    def sentences(self, passage: Passage) -> list[Sentence]: ...

    def clean_text(self, passage: Passage, char_start: int, char_end: int) -> str: ...

    def sentence_query_vector(self, query: str) -> np.ndarray: ...

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray: ...
