"""Milvus addresses (`milvus://host:19530/party`, `x.db/party`) and filter expressions mirroring the embedded filters."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from tracuu.errors import InvalidQueryError

DEFAULT_COLLECTION = "tracuu"
# Milvus collection names: a letter or underscore, then letters, digits, underscores (255 at most).
_COLLECTION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,199}$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LITE = re.compile(r"^(?P<file>.*\.db)(?:/(?P<collection>[^/]+))?$")
FILTERS_FIELD = "filters"  # JSON field of every passage row: its document's metadata, casefolded strings


@dataclass(frozen=True)
class MilvusTarget:
    """Where a Milvus index lives: what `MilvusClient` is given, and the collection."""

    client_uri: str
    collection: str
    token: str = ""

    @property
    def lite(self) -> bool:
        return self.client_uri.endswith(".db")

    def display(self) -> str:
        """The address as the user wrote it, without credentials (it lands in messages and `info`)."""
        base = self.client_uri if self.lite else self.client_uri.replace("http://", "milvus://", 1)
        return f"{base}/{self.collection}"


def is_milvus_uri(uri: str) -> bool:
    return uri.startswith(("milvus://", "http://", "https://")) or bool(_LITE.match(uri))


def parse_uri(uri: str, collection: str | None = None) -> MilvusTarget:
    """`milvus://[user:password@]host:port/collection`, `http(s)://…/collection` or `path/file.db[/collection]`."""
    lite = _LITE.match(uri)
    if lite and "://" not in uri:
        name = collection or lite["collection"] or DEFAULT_COLLECTION
        return MilvusTarget(lite["file"], check_collection(name))
    parts = urlsplit(uri)
    if parts.scheme not in ("milvus", "http", "https") or not parts.hostname:
        raise InvalidQueryError("index", f"{uri!r} is not a Milvus address",
                                fix="use milvus://host:19530/collection or a local file ending in .db")
    scheme = "https" if parts.scheme == "https" else "http"
    port = parts.port or 19530
    name = collection or parts.path.strip("/") or DEFAULT_COLLECTION
    token = f"{parts.username}:{parts.password or ''}" if parts.username else ""
    return MilvusTarget(f"{scheme}://{parts.hostname}:{port}", check_collection(name), token)


def check_collection(name: str) -> str:
    if not _COLLECTION.match(name):
        raise InvalidQueryError("collection", f"{name!r} is not a valid Milvus collection name",
                                fix="use letters, digits and underscores, starting with a letter")
    return name


def literal(value: str) -> str:
    """A Milvus string literal (JSON escaping is what its expression parser reads)."""
    return json.dumps(value, ensure_ascii=False)


def filter_values(metadata: Mapping[str, Any]) -> dict[str, str]:
    """What filters compare a document's metadata with: the embedded filter's `str(value).casefold()`."""
    return {k: str(v).casefold() for k, v in metadata.items() if _KEY.match(k)}


def filter_expression(document_ids: Sequence[str] | None = None,
                      metadata_filters: Mapping[str, str] | None = None) -> str | None:
    """The Milvus expression for `Index.search(documents=..., filters=...)`; None when nothing is restricted.

    Equality is case-insensitive on metadata keys; `date_from`/`date_to` bound the ISO `date`, `date_to` by prefix
    ("2024-05" admits 2024-05-31), exactly like the embedded index's `_matches`.
    """
    clauses = []
    if document_ids is not None:
        clauses.append(f"document_id in {literal_list(document_ids)}")
    for key, value in (metadata_filters or {}).items():
        clauses.append(_metadata_clause(key, str(value)))
    return " and ".join(f"({c})" for c in clauses) if clauses else None


def literal_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(literal(str(v)) for v in values) + "]"


def _metadata_clause(key: str, value: str) -> str:
    date = f'{FILTERS_FIELD}["date"]'
    if key == "date_from":
        return f"{date} >= {literal(value.casefold())}"
    if key == "date_to":
        # A date whose first len(value) characters are <= value: every ISO character sorts below "~".
        return f"{date} < {literal(value.casefold() + '~')}"
    if not _KEY.match(key):
        raise InvalidQueryError("filters", f"{key!r} is not a metadata field name",
                                fix="use letters, digits and underscores (doc_type, issuer, number, date)")
    field = f"{FILTERS_FIELD}[{literal(key)}]"
    if value.casefold() == "":
        # The embedded filter reads a missing key as "": a comparison with a missing key is false in Milvus.
        return f"not ({field} != \"\")"
    return f"{field} == {literal(value.casefold())}"
