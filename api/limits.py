"""Budgets of the HTTP app: bytes per request body, and what one upload may cost in reading, passages and time.

Every refusal here is a TracuuError, so it reaches the client as {"error", "fix"} like any other.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from tracuu.errors import TracuuError, thousands

from .errors import UploadTooLargeError
from tracuu.ingest.limits import ReadBudget

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024
MULTIPART_SLACK = 64 * 1024  # the multipart framing around the file
BODY_SECONDS = 120.0  # the slowest whole body accepted: 20 MB at 170 KB/s
JSON_BODY_SECONDS = 15.0
UPLOAD_SECONDS = 60.0
UPLOAD_PASSAGES = 5000
# An upload is read by one request while the write lock waits: tighter than a `tracuu build` of a whole corpus.
# 2M characters is 25 times the longest document of the shared corpus (75K, 154 passages). Index.add cleans and
# splits one document between two budget checks: for 2M characters 9 CPU-s (30 s wall at load 15 on 2 cores),
# the longest the write lock can go unchecked; 5000 passages is about 2.4M characters of corpus-like prose.
UPLOAD_READ = ReadBudget(max_chars=2_000_000, max_bytes=MAX_UPLOAD_BYTES, max_pages=2000,
                         max_unzipped=32 * 1024 * 1024, max_ratio=100.0, max_documents=5000)


@dataclass(frozen=True)
class Budgets:
    """What one request may cost; `create_app(budgets=...)` sets them (tests pass small ones)."""

    upload_bytes: int = MAX_UPLOAD_BYTES
    json_bytes: int = MAX_JSON_BYTES
    body_seconds: float = BODY_SECONDS
    json_body_seconds: float = JSON_BODY_SECONDS
    upload_seconds: float = UPLOAD_SECONDS
    upload_passages: int = UPLOAD_PASSAGES
    read: ReadBudget = UPLOAD_READ


def budgets_from_env(upload_bytes: int = MAX_UPLOAD_BYTES) -> Budgets:
    """The defaults, with $TRACUU_UPLOAD_SECONDS and $TRACUU_UPLOAD_PASSAGES where set (a slow machine, big
    documents)."""
    return Budgets(upload_bytes=upload_bytes,
                   upload_seconds=float(os.environ.get("TRACUU_UPLOAD_SECONDS") or UPLOAD_SECONDS),
                   upload_passages=int(os.environ.get("TRACUU_UPLOAD_PASSAGES") or UPLOAD_PASSAGES))


class RequestTooLargeError(TracuuError):
    http_status = 413

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"nội dung yêu cầu lớn hơn {limit_bytes // 1024} KB",
                         fix="gửi câu hỏi ngắn hơn: tìm kiếm chỉ cần vài từ, không cần cả một văn bản")
        self.limit_bytes = limit_bytes


class SlowRequestError(TracuuError):
    http_status = 408

    def __init__(self, seconds: float) -> None:
        super().__init__(f"nội dung yêu cầu không đến kịp trong {seconds:.0f} giây",
                         fix="thử lại với kết nối nhanh hơn, hoặc đưa tệp lớn vào chỉ mục ngay trên máy chủ bằng: "
                             "tracuu add TỆP --index CHỈ_MỤC")


class HostNotAllowedError(TracuuError):
    http_status = 400

    def __init__(self, host: str) -> None:
        super().__init__(f"máy chủ này không trả lời cho tên máy {host!r}",
                         fix="dùng địa chỉ mà máy chủ được khởi động với nó, hoặc thêm tên này bằng "
                             "tracuu serve --allowed-hosts (hoặc $TRACUU_ALLOWED_HOSTS)")


class DocumentExistsError(TracuuError):
    http_status = 409

    def __init__(self, document_id: str) -> None:
        super().__init__(f"văn bản {document_id!r} đã có trong chỉ mục",
                         fix="gửi lại tệp với ?replace=true để thay văn bản cũ, hoặc đổi tên tệp")
        self.document_id = document_id


class UploadBudgetError(TracuuError):
    http_status = 413

    def __init__(self, what: str) -> None:
        super().__init__(f"tệp tải lên vượt hạn mức: {what}; chỉ mục không thay đổi",
                         fix="chia nhỏ văn bản, hoặc đưa nó vào chỉ mục ngay trên máy chủ bằng: "
                             "tracuu add TỆP --index CHỈ_MỤC")


class ClientGoneError(TracuuError):
    http_status = 400

    def __init__(self) -> None:
        super().__init__("máy khách đã đóng kết nối; việc tải lên đã bị huỷ và chỉ mục không thay đổi",
                         fix="gửi lại và chờ đến khi có trả lời")


def body_limit(method: str, path: str, budgets: Budgets) -> tuple[int, float, TracuuError]:
    """The byte and time budget of one request's body, and the error that refuses it."""
    if method == "POST" and path == "/documents":
        return budgets.upload_bytes + MULTIPART_SLACK, budgets.body_seconds, UploadTooLargeError(budgets.upload_bytes)
    return budgets.json_bytes, budgets.json_body_seconds, RequestTooLargeError(budgets.json_bytes)


@dataclass
class UploadDeadline:
    """One upload's time and passage budget and its cancellation; passed to Index.add as its progress callback,
    which the builder calls after each document read and each batch encoded, so the write stops (and its lock
    goes) at the next of those steps once the budget is spent or the client has gone."""

    budgets: Budgets
    started: float = field(default_factory=time.monotonic)
    gone: threading.Event = field(default_factory=threading.Event)

    @property
    def remaining(self) -> float:
        return max(0.0, self.started + self.budgets.upload_seconds - time.monotonic())

    def check(self, stage: str = "", done: int = 0, total: int = 0) -> None:
        if self.gone.is_set():
            raise ClientGoneError()
        if stage == "encode" and total > self.budgets.upload_passages:
            raise UploadBudgetError(f"{thousands(total)} đoạn, giới hạn là {thousands(self.budgets.upload_passages)}")
        if not self.remaining:
            raise UploadBudgetError(f"đã mất hơn {self.budgets.upload_seconds:.0f} giây")

    __call__ = check
