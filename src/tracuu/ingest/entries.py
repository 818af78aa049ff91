"""The read side of building: files -> documents -> cleaned -> split into passages, reusing what did not change."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator, Mapping, Protocol, Sequence

import numpy as np

from tracuu.citation import LAW_KEYS, first_of, number_head
from tracuu.errors import UnreadableDocumentError
from tracuu.ingest.annexes import parent_of
from tracuu.ingest.cleaning import clean
from tracuu.ingest.extracted import CleanedText, ExtractedDocument
from tracuu.ingest.furniture import passage_kinds
from tracuu.ingest.metadata import parse_metadata
from tracuu.ingest.multidoc import split_documents
from tracuu.ingest.readers import read_paths
from tracuu.ingest.splitter import split_passages
from tracuu.ingest.passage_text import Tokenizer
from tracuu.ingest.stored import StoredDocument
from tracuu.results import BuildReport, Passage

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Entry:
    """One document of the next generation, with its passages (vectors are looked up or encoded later)."""

    doc: StoredDocument
    passages: list[Passage]


class KnownDocuments(Protocol):
    """What reading needs of the index an update starts from (`backends.base.Previous` has more)."""

    carry: bool  # False for a full build: every document is split again (splitter fixes apply), vectors reused
    hashes: Mapping[str, tuple[str, str]]  # document id -> (content hash, file hash)

    def carried(self, document_id: str) -> Entry | None: ...


@dataclass
class BuildLog:
    """What a build or update did to each document, as it goes; `report` makes the frozen `BuildReport`."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def report(self, index: str, documents: int, passages: int, encoded: int, started: float) -> BuildReport:
        return BuildReport(
            index=index, documents=documents, passages=passages, added=tuple(self.added),
            replaced=tuple(self.replaced), removed=tuple(self.removed), unchanged=tuple(self.unchanged),
            failures=tuple(self.failures), encoded=encoded, seconds=round(time.perf_counter() - started, 3))


def passage_id(document_id: str, text: str, occurrence: int) -> str:
    """Same document and text give the same id on every rebuild, so vectors and links survive."""
    raw = f"{document_id}\x00{text}\x00{occurrence}".encode("utf-8")
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def file_hash(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_passages(doc: ExtractedDocument, cleaned: CleanedText, encoder: Tokenizer,
                  metadata: Mapping[str, object] | None = None) -> list[Passage]:
    """The document's passages; its `metadata` (kind, official) marks commentary and a page's introduction."""
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    # Leave room for the e5 "passage: " prefix and the special tokens.
    spans = split_passages(cleaned, count_tokens=encoder.count_tokens, max_tokens=encoder.max_tokens - 16)
    for ordinal, (span, kind) in enumerate(passage_kinds(cleaned.text, spans, dict(metadata or {}))):
        text = cleaned.text[span.start:span.end]
        start, end = cleaned.source_span(span.start, span.end)
        n = seen[text] = seen.get(text, -1) + 1
        passages.append(Passage(passage_id(doc.key, text, n), doc.key, ordinal, text, span.section, span.context,
                                start, end, doc.page_at(start), span.start, kind))
    return passages


def stored_document(doc: ExtractedDocument, cleaned: CleanedText, fhash: str) -> StoredDocument:
    offsets = np.asarray(cleaned.offsets[:len(cleaned.text) + 1], dtype=np.int32)
    ends = np.asarray(cleaned.ends if cleaned.ends is not None else offsets[:-1] + 1, dtype=np.int32)
    # What the source states (a .jsonl line's fields) wins over what the parser reads from the text.
    metadata = {**parse_metadata(doc.text, title=doc.title, source=doc.source), **dict(doc.fields)}
    if metadata.get("kind") == "commentary" and first_of(metadata, LAW_KEYS):
        metadata["kind"] = "official"  # an article of a named law has no letterhead, yet it is no one's commentary
    if doc.commentary:  # split off after a signature block: known not to be an official text (furniture.py)
        metadata.update(kind="commentary", official=False)
    title = metadata.get("title") or doc.title or doc.key
    return StoredDocument(doc.key, doc.source, title, doc.format, doc.content_hash, fhash, doc.text,
                          doc.page_starts, metadata, doc.warnings, offsets.tobytes(), ends.tobytes())


def documents_under(paths: Sequence[str | Path], log: BuildLog) -> Iterator[ExtractedDocument]:
    """Every readable document under `paths`, files holding several documents split into them."""
    for item in read_paths(paths):
        if isinstance(item, UnreadableDocumentError):
            log.failures.append((item.path, item.reason + (f" ({item.fix})" if item.fix else "")))
            continue
        yield from split_documents(item)


def read_entries(paths: Sequence[str | Path], previous: KnownDocuments, encoder: Tokenizer, log: BuildLog,
                 progress: Progress | None) -> list[Entry]:
    entries: dict[str, Entry] = {}
    hashes: dict[str, str] = {}
    for item in documents_under(paths, log):
        if item.key in entries:
            log.failures.append((item.source, f"trùng mã văn bản {item.key!r} với {entries[item.key].doc.source}; "
                                 "hãy tạo chỉ mục từ một thư mục chung để các mã khác nhau"))
            continue
        if item.source not in hashes:
            hashes[item.source] = file_hash(item.source) if item.format != "jsonl" else ""
        old = previous.hashes.get(item.key)
        unchanged = bool(old) and old[0] == item.content_hash
        carried = previous.carried(item.key) if unchanged and previous.carry else None
        (log.unchanged if unchanged else log.replaced if old else log.added).append(item.key)
        if carried:
            entries[item.key] = carried
            continue
        cleaned = clean(item)
        fhash = hashes[item.source] or item.content_hash
        stored = stored_document(item, cleaned, fhash)
        entries[item.key] = Entry(stored, make_passages(item, cleaned, encoder, stored.metadata))
        if progress:
            progress("read", len(entries), 0)
    return list(entries.values())


def link_documents(entries: list[Entry]) -> list[Entry]:
    """Resolve "thực hiện Nghị quyết số 57-NQ/TW" to the document of that number when it is in the index."""
    by_number: dict[str, list[str]] = {}
    for e in entries:
        if e.doc.metadata.get("number"):
            by_number.setdefault(e.doc.metadata["number"], []).append(e.doc.id)
    known = {e.doc.id: (e.doc.source, e.doc.metadata) for e in entries}
    linked = []
    for e in entries:
        targets = [d for n in e.doc.metadata.get("implements", []) for d in by_number.get(n, []) if d != e.doc.id]
        metadata = {k: v for k, v in e.doc.metadata.items() if k not in ("implements_documents", "parent",
                                                                          "parent_citation")}
        if targets:
            metadata["implements_documents"] = targets
        # An annex is cited under its parent ("Phụ lục I kèm theo Nghị quyết số 03/NQ-CP …"): annexes.py.
        parent = parent_of(e.doc.id, e.doc.source, e.doc.metadata, known)
        if parent and (head := number_head(known[parent][1])):
            metadata.update(parent=parent, parent_citation=head)
        linked.append(Entry(replace(e.doc, metadata=metadata), e.passages) if metadata != e.doc.metadata else e)
    return linked
