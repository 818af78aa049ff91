"""SQLite store of documents and passages; a passage's row number is its position in the lexical and dense parts."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterable

from tracuu.ingest.stored import StoredDocument
from tracuu.results import DocumentInfo, Passage

SCHEMA = """
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    format TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    page_starts TEXT NOT NULL,
    metadata TEXT NOT NULL,
    warnings TEXT NOT NULL,
    clean_offsets BLOB NOT NULL,
    clean_ends BLOB NOT NULL
);
CREATE TABLE passages (
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    document_id TEXT NOT NULL REFERENCES documents(id),
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    section TEXT NOT NULL,
    context TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    page INTEGER,
    clean_start INTEGER NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX passages_by_document ON passages(document_id, ordinal);
"""

READ_BATCH = 10_000  # rows per look-up: SQLite bounds the parameters of one statement
_PASSAGE_COLS = "id, document_id, ordinal, text, section, context, char_start, char_end, page, clean_start, kind"
_DOC_COLS = "d.id, d.source, d.title, d.format, d.content_hash, d.metadata, d.warnings"


def _passage(row: tuple) -> Passage:
    pid, doc, ordinal, text, section, context, start, end, page, clean_start, kind = row
    return Passage(pid, doc, ordinal, text, tuple(json.loads(section)), context, start, end, page, clean_start, kind)


class Store:
    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        if create:
            self._db = sqlite3.connect(path)
            self._db.executescript(SCHEMA)
        else:
            # Read-only and shareable across the API's worker threads; writers build a new generation instead.
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self._db.close()

    # -- writing (only on a fresh generation) --------------------------------------------------------------
    def add_document(self, doc: StoredDocument) -> None:
        self._db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, doc.source, doc.title, doc.format, doc.content_hash, doc.file_hash, doc.text,
             json.dumps(list(doc.page_starts)), json.dumps(doc.metadata, ensure_ascii=False),
             json.dumps(list(doc.warnings), ensure_ascii=False), doc.clean_offsets, doc.clean_ends),
        )

    def add_passages(self, passages: Iterable[Passage], first_row: int) -> None:
        self._db.executemany(
            f"INSERT INTO passages (row, {_PASSAGE_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            ((first_row + i, p.id, p.document_id, p.ordinal, p.text, json.dumps(list(p.section), ensure_ascii=False),
              p.context, p.char_start, p.char_end, p.page, p.clean_start, p.kind) for i, p in enumerate(passages)),
        )

    def commit(self) -> None:
        self._db.commit()

    # -- reading --------------------------------------------------------------------------------------------
    def count(self, table: str) -> int:
        assert table in ("documents", "passages")
        return self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def passages_at(self, rows: list[int]) -> list[Passage]:
        found: dict[int, Passage] = {}
        for lo in range(0, len(rows), READ_BATCH):
            chunk = rows[lo:lo + READ_BATCH]
            found.update((r[0], _passage(r[1:])) for r in self._db.execute(
                f"SELECT row, {_PASSAGE_COLS} FROM passages WHERE row IN ({','.join('?' * len(chunk))})", chunk))
        return [found[r] for r in rows]

    def passage(self, passage_id: str) -> tuple[int, Passage] | None:
        r = self._db.execute(f"SELECT row, {_PASSAGE_COLS} FROM passages WHERE id = ?", (passage_id,)).fetchone()
        return (r[0], _passage(r[1:])) if r else None

    def passage_rows(self) -> dict[str, int]:
        """passage id -> row, without reading the texts (an update looks up reusable vectors by id)."""
        return dict(self._db.execute("SELECT id, row FROM passages"))

    def passages_of(self, document_id: str) -> list[Passage]:
        return [_passage(r) for r in self._db.execute(
            f"SELECT {_PASSAGE_COLS} FROM passages WHERE document_id = ? ORDER BY ordinal", (document_id,))]

    def document_rows(self) -> list[str]:
        """Document id of every passage row, in row order (for filters)."""
        return [r[0] for r in self._db.execute("SELECT document_id FROM passages ORDER BY row")]

    def documents(self, ids: list[str] | None = None) -> list[DocumentInfo]:
        where, args = "", []
        if ids is not None:
            if not ids:
                return []
            where, args = f"WHERE d.id IN ({','.join('?' * len(ids))})", ids
        sql = (f"SELECT {_DOC_COLS}, (SELECT count(*) FROM passages p WHERE p.document_id = d.id) "
               f"FROM documents d {where} ORDER BY d.id")
        return [DocumentInfo(i, s, t, f, h, n, json.loads(m), tuple(json.loads(w)))
                for i, s, t, f, h, m, w, n in self._db.execute(sql, args)]

    def stored_document(self, document_id: str) -> StoredDocument | None:
        r = self._db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        return StoredDocument.from_row(r) if r else None

    def hashes(self) -> dict[str, tuple[str, str]]:
        """document id -> (content hash, file hash)."""
        return {r[0]: (r[1], r[2]) for r in self._db.execute("SELECT id, content_hash, file_hash FROM documents")}
