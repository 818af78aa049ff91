"""Talking to a Milvus server: connecting with a short timeout, retrying transient failures, one error tree."""
from __future__ import annotations

import logging
import time
import uuid
from typing import Any, Callable, Iterator

from tracuu.errors import BackendUnavailableError, InvalidQueryError, MissingExtraError
from tracuu.backends.milvus.filters import MilvusTarget

CONSISTENCY_LEVELS = ("Strong", "Bounded", "Session", "Eventually")
# MilvusException codes worth a retry: service unavailable, request limit, rate limit.
TRANSIENT_CODES = {2, 4, 8}
TRANSIENT_WORDS = ("unavailable", "rate limit", "too many requests", "not ready", "deadline exceeded")
INVALID_EXPRESSION = 1100
QUERY_BATCH = 1000


def pymilvus():
    try:
        import pymilvus as module
    except ImportError:
        raise MissingExtraError("chỉ mục trên Milvus", "milvus") from None
    # pymilvus logs every failed RPC at ERROR before raising; our errors say it once, with the fix.
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    return module


def connect(target: MilvusTarget, timeout: float):
    """A MilvusClient, or BackendUnavailableError within `timeout` seconds when nothing answers."""
    MilvusClient = pymilvus().MilvusClient
    if target.lite:
        try:
            import milvus_lite  # noqa: F401  (pymilvus starts it for a .db file)
        except ImportError:
            raise MissingExtraError("chỉ mục milvus-lite trên máy (.db)", "milvus") from None
    try:
        # Its own connection alias: pymilvus shares one per URI, and closing any client would close them all.
        return MilvusClient(uri=target.client_uri, token=target.token, timeout=timeout,
                            alias=f"tracuu-{uuid.uuid4().hex}")
    except Exception as exc:  # pymilvus raises MilvusException, ConnectionConfigException or grpc errors
        raise BackendUnavailableError(target.display(), _reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    if not message and callable(getattr(exc, "details", None)):
        message = exc.details()  # grpc errors
    return f"{type(exc).__name__}: {message or exc}"


def is_transient(exc: BaseException) -> bool:
    try:
        import grpc
        if isinstance(exc, grpc.RpcError) and hasattr(exc, "code"):
            return exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
                                  grpc.StatusCode.RESOURCE_EXHAUSTED)
    except ImportError:
        pass
    if type(exc).__name__ == "MilvusUnavailableException" or isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    code = getattr(exc, "code", None)
    message = str(getattr(exc, "message", "") or exc).lower()
    return code in TRANSIENT_CODES or any(w in message for w in TRANSIENT_WORDS)


class Caller:
    """Runs client calls with a timeout, retrying transient failures with exponential backoff."""

    def __init__(self, client, display: str, *, timeout: float, retries: int, backoff: float,
                 consistency: str) -> None:
        if consistency not in CONSISTENCY_LEVELS:
            raise InvalidQueryError("consistency", f"phải là một trong {', '.join(CONSISTENCY_LEVELS)}, "
                                                   f"nhận được {consistency!r}")
        self.client, self.display = client, display
        self.timeout, self.retries, self.backoff, self.consistency = timeout, retries, backoff, consistency

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        fn: Callable = getattr(self.client, method)
        for attempt in range(self.retries + 1):
            try:
                return fn(*args, timeout=self.timeout, **kwargs)
            except Exception as exc:
                if getattr(exc, "code", None) == INVALID_EXPRESSION:
                    raise InvalidQueryError("filters", _reason(exc)) from exc
                if not is_transient(exc) or attempt == self.retries:
                    raise BackendUnavailableError(self.display, f"{method}: {_reason(exc)}") from exc
                time.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    def read(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """A search or query, at the store's consistency level."""
        return self(method, *args, consistency_level=self.consistency, **kwargs)

    def scan(self, collection: str, filter: str, fields: list[str]) -> Iterator[dict]:
        """Every row matching `filter`, however many (a plain query stops at 16384)."""
        it = self("query_iterator", collection, batch_size=QUERY_BATCH, filter=filter, output_fields=fields,
                  consistency_level=self.consistency)
        try:
            while True:
                batch = it.next()
                if not batch:
                    return
                yield from batch
        finally:
            it.close()
