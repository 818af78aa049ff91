"""Milvus addresses (`milvus://host:19530/party`, `x.db/party`), literals, and the metadata filter as an expression."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from tracuu.errors import InvalidQueryError
from tracuu.retrieval.filters import FilterArgument, MetadataFilter, literal

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
        raise InvalidQueryError("index", f"{uri!r} không phải địa chỉ Milvus",
                                fix="dùng milvus://host:19530/collection hoặc một tệp trên máy có đuôi .db")
    scheme = "https" if parts.scheme == "https" else "http"
    port = parts.port or 19530
    name = collection or parts.path.strip("/") or DEFAULT_COLLECTION
    token = f"{parts.username}:{parts.password or ''}" if parts.username else ""
    return MilvusTarget(f"{scheme}://{parts.hostname}:{port}", check_collection(name), token)


def check_collection(name: str) -> str:
    if not _COLLECTION.match(name):
        raise InvalidQueryError("collection", f"{name!r} không phải tên collection Milvus hợp lệ",
                                fix="dùng chữ cái, chữ số và dấu gạch dưới, bắt đầu bằng chữ cái")
    return name


def filter_values(metadata: Mapping[str, Any]) -> dict[str, str]:
    """What filters compare a document's metadata with: the embedded filter's `str(value).casefold()`."""
    return {k: str(v).casefold() for k, v in metadata.items() if _KEY.match(k)}


def filter_expression(document_ids: Sequence[str] | None = None, metadata: FilterArgument = None) -> str | None:
    """The Milvus expression for `Index.search(documents=..., filters=...)`; None when nothing is restricted.
    The metadata clauses are `MetadataFilter.to_expression`'s, over each passage's `filters` JSON field."""
    clauses = []
    if document_ids is not None:
        clauses.append(f"document_id in {literal_list(document_ids)}")
    wanted = MetadataFilter.of(metadata)
    clauses += [c.to_expression(FILTERS_FIELD) for c in (wanted.clauses if wanted else ())]
    return " and ".join(f"({c})" for c in clauses) if clauses else None


def literal_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(literal(str(v)) for v in values) + "]"
