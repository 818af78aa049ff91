"""The one error tree of tracuu: every failure a user can meet, with its context and its fix.

Messages and fixes are Vietnamese, like everything else a person reads from the CLI, the API and the web page; the
commands a fix names are exact (tests run them). Class and field names stay English: they are identifiers.
"""
from __future__ import annotations

from pathlib import Path

# What a fix says for an index that has to be rebuilt; <văn bản của bạn> is the user's files or folders.
REBUILD = "tạo lại chỉ mục: tracuu build <văn bản của bạn> --index {}"


def thousands(n: int) -> str:
    """A count as Vietnamese writes it, dots between thousands: 20.000.000 (a comma there reads as a decimal)."""
    return f"{n:,}".replace(",", ".")


class TracuuError(Exception):
    """Base of every error tracuu raises on purpose; `fix` says what the user should do."""

    http_status = 422

    def __init__(self, message: str, *, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message


class UnreadableDocumentError(TracuuError):
    """A file could not be read into text: corrupt, encrypted, image-only, empty, undecodable, unknown type."""

    def __init__(self, path: str, reason: str, *, fix: str = "") -> None:
        super().__init__(f"{path}: {reason}", fix=fix)
        self.path = path
        self.reason = reason


class PathNotFoundError(TracuuError):
    """A file or folder given to build or add does not exist: a typo, not an unreadable document."""

    http_status = 404

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: không có tệp hoặc thư mục",
                         fix=f"kiểm tra lại đường dẫn; xem thư mục chứa nó có gì: ls {Path(path).parent}")
        self.path = path


class IndexNotFoundError(TracuuError):
    http_status = 404

    def __init__(self, path: str) -> None:
        super().__init__(
            f"không có chỉ mục tại {path}",
            fix=f"tạo chỉ mục trước: tracuu build corpus/ --index {path}",
        )
        self.path = path


class IndexVersionError(TracuuError):
    """The manifest's format version is not one this code can read."""

    http_status = 409

    def __init__(self, path: str, found: int, expected: int) -> None:
        super().__init__(
            f"chỉ mục {path} có định dạng phiên bản {found}, bản tracuu này chỉ đọc được phiên bản {expected}",
            fix=REBUILD.format(path),
        )
        self.path, self.found, self.expected = path, found, expected


class IndexCorruptError(TracuuError):
    http_status = 409

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"chỉ mục {path} bị hỏng: {reason}", fix=REBUILD.format(path))
        self.path, self.reason = path, reason


class IndexBusyError(TracuuError):
    """Another process holds the index's write lock."""

    http_status = 409

    def __init__(self, path: str) -> None:
        super().__init__(f"một lần tạo hoặc cập nhật chỉ mục khác đang ghi vào {path}",
                         fix="chờ lần đó xong rồi chạy lại")
        self.path = path


class EncoderMismatchError(TracuuError):
    """An index is queried or extended with an encoder other than the one that built it."""

    http_status = 409

    def __init__(self, path: str, found: str, expected: str) -> None:
        super().__init__(
            f"chỉ mục {path} được tạo bằng bộ mã hoá {expected!r}, không phải {found!r}",
            fix="mở chỉ mục mà không chọn bộ mã hoá (manifest của chỉ mục đã ghi tên nó), "
                "hoặc tạo lại chỉ mục bằng bộ mã hoá mới",
        )
        self.path, self.found, self.expected = path, found, expected


class EncoderUnavailableError(TracuuError):
    """The chosen encoder cannot be loaded here (missing extra, missing weights)."""

    def __init__(self, name: str, reason: str, *, fix: str = "") -> None:
        super().__init__(f"không nạp được bộ mã hoá {name!r}: {reason}", fix=fix)
        self.name, self.reason = name, reason


class MissingExtraError(TracuuError):
    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} cần nhóm gói tuỳ chọn '{extra}'",
            fix=f"pip install 'tracuu[{extra}]'",
        )
        self.feature, self.extra = feature, extra


class DocumentNotFoundError(TracuuError):
    http_status = 404

    def __init__(self, document_id: str) -> None:
        super().__init__(f"không có văn bản {document_id!r} trong chỉ mục",
                         fix="xem danh sách văn bản: tracuu documents")
        self.document_id = document_id


class PassageNotFoundError(TracuuError):
    http_status = 404

    def __init__(self, passage_id: str) -> None:
        super().__init__(f"không có đoạn {passage_id!r} trong chỉ mục",
                         fix="lấy mã đoạn từ một kết quả tìm kiếm")
        self.passage_id = passage_id


class NothingIndexedError(TracuuError):
    """A build found no readable document at all."""

    def __init__(self, paths: list[str], failures: int) -> None:
        super().__init__(
            f"không đưa được văn bản nào vào chỉ mục từ {', '.join(paths)} ({failures} tệp không đọc được)",
            fix="chỉ cho lệnh build các tệp .txt, .md, .html, .pdf, .docx hoặc .jsonl có lớp văn bản",
        )
        self.paths, self.failures = paths, failures


class InvalidQueryError(TracuuError):
    def __init__(self, field: str, reason: str, *, fix: str = "") -> None:
        super().__init__(f"{field}: {reason}", fix=fix)
        self.field, self.reason = field, reason


class InputFileError(TracuuError):
    """A user-supplied data file (queries, qrels, gold) is malformed; names the file and line."""

    def __init__(self, path: str, line: int | None, reason: str, *, fix: str = "") -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}", fix=fix)
        self.path, self.line, self.reason = path, line, reason


class StrictBuildError(TracuuError):
    """--strict: some files failed, so nothing was written."""

    def __init__(self, failures: list[tuple[str, str]]) -> None:
        first = failures[0]
        super().__init__(
            f"{len(failures)} tệp không đọc được (tệp đầu tiên: {first[0]}: {first[1]}); chưa ghi gì cả",
            fix="sửa hoặc bỏ các tệp đó, hoặc chạy build không có --strict",
        )
        self.failures = failures


class BackendUnavailableError(TracuuError):
    """A search server (Milvus) cannot be reached or keeps failing."""

    http_status = 503

    def __init__(self, uri: str, reason: str) -> None:
        super().__init__(f"máy chủ chỉ mục {uri} lỗi: {reason}",
                         fix="kiểm tra máy chủ đang chạy và host, cổng, token trong URI là đúng, rồi thử lại")
        self.uri, self.reason = uri, reason


class CollectionMismatchError(TracuuError):
    """A server-side collection was built by another analyzer, encoder or schema than this code expects."""

    http_status = 409

    def __init__(self, uri: str, what: str, found: object, expected: object) -> None:
        super().__init__(f"chỉ mục {uri} có {what} {found!r}, bản tracuu này cần {expected!r}",
                         fix=REBUILD.format(uri))
        self.uri, self.what, self.found, self.expected = uri, what, found, expected
