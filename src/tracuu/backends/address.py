"""The one place that turns an index address into a backend: a folder is embedded; `milvus://…`, `http(s)://…` or
`path/x.db[/collection]` is Milvus (imported only then: pymilvus is an optional extra)."""
from __future__ import annotations

from pathlib import Path

from tracuu.backends.base import Backend, Writable
from tracuu.backends.embedded import backend as embedded
from tracuu.backends.milvus.filters import is_milvus_uri
from tracuu.retrieval.encoders import Encoder
from tracuu.retrieval.settings import SearchSettings


def is_milvus(location: str | Path) -> bool:
    return is_milvus_uri(str(location))


def open_backend(location: str | Path) -> Backend:
    """The index at `location`, for reading and updates."""
    if is_milvus(location):
        from tracuu.backends.milvus.backend import MilvusBackend

        return MilvusBackend.open(str(location))
    return embedded.EmbeddedBackend.load(Path(location))


def create_backend(location: str | Path, encoder: Encoder, settings: SearchSettings) -> Writable:
    """The index at `location` for a full build, made if needed; one built with another encoder is replaced, so a
    build never reuses vectors of another model."""
    if is_milvus(location):
        from tracuu.backends.milvus.backend import MilvusBackend

        return MilvusBackend.create(str(location), encoder, settings)
    return embedded.create(Path(location), encoder)
