"""Queries that name what they want: a document ("Luật Tố tụng hành chính 2015", "Kết luận 69-KL/TW") and perhaps a
place in it ("Điều 38", "mục III.2"). People who cite know what they are looking for, so those passages come first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping

from tracuu.text.analyzer import fold
from tracuu.citation import ARTICLE_KEYS, LAW_KEYS, first_of, locator_of
from tracuu.retrieval.settings import SearchSettings
from tracuu.results import DocumentInfo, Explanation, Passage

# Metadata that names a document: its number ("57-NQ/TW"), or, in a .jsonl corpus, a field naming the law.
NAME_KEYS = ("number", *LAW_KEYS, "name")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_YEAR = re.compile(r" (?:19|20)\d\d$")
# "Điều 38", "khoản 3 Điều 2" (the article is what the passage knows), "mục III.2", "mục 3".
_ARTICLE_REF = re.compile(r"\bdieu (\d+[a-z]?)\b")
_SECTION_REF = re.compile(r"\bmuc ([ivxlc]+|\d+)((?: \d+)*)\b")
_MIN_NAME_CHARS = 6  # a name shorter than "luat x" would match by accident


def normalized(text: str) -> str:
    """Folded, lower-case words separated by one space, padded so `" name " in text` matches whole words."""
    words = _NON_WORD.sub(" ", fold(text).lower()).split()
    return f" {' '.join(w for w in words if w != 'nam')} "  # "Luật Cư trú năm 2020" = "Luật Cư trú 2020"


@dataclass(frozen=True)
class References:
    """What a query names: documents (ids) and places in them (locators as citations write them)."""

    documents: frozenset[str] = frozenset()
    locators: tuple[str, ...] = ()  # normalized: "dieu 38", "muc iii 2"

    def __bool__(self) -> bool:
        return bool(self.documents)

    def points_at(self, document: DocumentInfo, passage: Passage) -> bool:
        """The passage sits at one of the named places (same article, or inside the named section)."""
        if document.id not in self.documents or not self.locators:
            return False
        here = normalized(passage_locator(document, passage))
        return any(here.startswith(f" {loc} ") for loc in self.locators)


def passage_locator(document: DocumentInfo, passage: Passage) -> str:
    """'Điều 38, khoản 2' from the section path, or under the article a .jsonl line states in its metadata."""
    return locator_of(passage.section, article=first_of(dict(document.metadata or {}), ARTICLE_KEYS))


def _variants(key: str, name: str, meta: Mapping[str, Any]) -> Iterable[str]:
    text = normalized(name)
    yield text
    short = _YEAR.sub("", text.rstrip()) + " "
    if short != text and len(short.split()) >= 2:
        yield short  # "Luật Du lịch" names "Luật Du lịch 2017"
    if key == "number" and meta.get("doc_type_name"):
        # "Nghị quyết 57" is how people say 57-NQ/TW; "Nghị quyết 03" for 03/NQ-CP.
        yield normalized(f"{meta['doc_type_name']} {re.split(r'[-/]', name)[0]}")


class DocumentNames:
    """The names of an index's documents, to find which of them a query names."""

    def __init__(self, documents: Mapping[str, DocumentInfo]) -> None:
        self._names: dict[str, set[str]] = {}
        for doc_id, doc in documents.items():
            meta = doc.metadata or {}
            for key in NAME_KEYS:
                value = meta.get(key)
                if isinstance(value, str):
                    for variant in _variants(key, value, meta):
                        if len(variant.strip()) >= _MIN_NAME_CHARS:
                            self._names.setdefault(variant, set()).add(doc_id)
        # An annex is part of its parent: "Nghị quyết 03/NQ-CP" names "Phụ lục I kèm theo Nghị quyết số 03/NQ-CP".
        for doc_id, doc in documents.items():
            parent = (doc.metadata or {}).get("parent")
            for ids in self._names.values():
                if parent in ids:
                    ids.add(doc_id)

    def find(self, query: str) -> References:
        text = normalized(query)
        named: set[str] = set()
        for name, ids in self._names.items():
            if name in text:
                named |= ids
        if not named:
            return References()
        locators = [f"dieu {a}" for a in _ARTICLE_REF.findall(text)]
        locators += [f"muc {s}{sub}" for s, sub in _SECTION_REF.findall(text)]
        return References(frozenset(named), tuple(dict.fromkeys(locators)))


def boost(fused: list[tuple[Any, Explanation]], passages: list[Passage | None],
          documents: Mapping[str, DocumentInfo], refs: References,
          config: SearchSettings) -> list[tuple[Any, Explanation]]:
    """Passages of a named document gain `reference_weight`; those at the named article or section gain
    `article_weight` more, enough to come first: "Điều 38 Luật Tố tụng hành chính" means that article."""
    out = []
    for (key, why), passage in zip(fused, passages):
        extra = 0.0
        if passage is not None and passage.document_id in refs.documents:
            extra = config.reference_weight
            doc = documents.get(passage.document_id)
            if doc is not None and refs.points_at(doc, passage):
                extra += config.article_weight
        out.append((key, replace(why, fused_score=why.fused_score + extra, reference=extra) if extra else why))
    out.sort(key=lambda item: (-item[1].fused_score, item[1].lexical_rank or 10**9, str(item[0])))
    return out
