"""The one error tree of tracuu: every failure a user can meet, with its context and its fix."""
from __future__ import annotations

from pathlib import Path


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
        # Vietnamese like the rest of the CLI's words: "no such file or folder".
        super().__init__(f"{path}: không có tệp hoặc thư mục",
                         fix=f"kiểm tra lại đường dẫn; xem thư mục chứa nó có gì: ls {Path(path).parent}")
        self.path = path


class IndexNotFoundError(TracuuError):
    http_status = 404

    def __init__(self, path: str) -> None:
        super().__init__(
            f"no index at {path}",
            fix=f"build one first: tracuu build corpus/ --index {path}",
        )
        self.path = path


class IndexVersionError(TracuuError):
    """The manifest's format version is not one this code can read."""

    http_status = 409

    def __init__(self, path: str, found: int, expected: int) -> None:
        super().__init__(
            f"index {path} has format version {found}, this tracuu reads version {expected}",
            fix=f"rebuild it: tracuu build <your documents> --index {path}",
        )
        self.path, self.found, self.expected = path, found, expected


class IndexCorruptError(TracuuError):
    http_status = 409

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(
            f"index {path} is damaged: {reason}",
            fix=f"rebuild it: tracuu build <your documents> --index {path}",
        )
        self.path, self.reason = path, reason


class IndexBusyError(TracuuError):
    """Another process holds the index's write lock."""

    http_status = 409

    def __init__(self, path: str) -> None:
        super().__init__(f"another build or update is writing {path}", fix="wait for it to finish, then retry")
        self.path = path


class EncoderMismatchError(TracuuError):
    """An index is queried or extended with an encoder other than the one that built it."""

    http_status = 409

    def __init__(self, path: str, found: str, expected: str) -> None:
        super().__init__(
            f"index {path} was built with encoder {expected!r}, not {found!r}",
            fix="open it without choosing an encoder (the manifest names it), or rebuild with the new one",
        )
        self.path, self.found, self.expected = path, found, expected


class EncoderUnavailableError(TracuuError):
    """The chosen encoder cannot be loaded here (missing extra, missing weights)."""

    def __init__(self, name: str, reason: str, *, fix: str = "") -> None:
        super().__init__(f"encoder {name!r} cannot be loaded: {reason}", fix=fix)
        self.name, self.reason = name, reason


class MissingExtraError(TracuuError):
    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the optional '{extra}' dependencies",
            fix=f"pip install 'tracuu[{extra}]'",
        )
        self.feature, self.extra = feature, extra


class DocumentNotFoundError(TracuuError):
    http_status = 404

    def __init__(self, document_id: str) -> None:
        super().__init__(f"no document {document_id!r} in the index", fix="list them with: tracuu documents")
        self.document_id = document_id


class PassageNotFoundError(TracuuError):
    http_status = 404

    def __init__(self, passage_id: str) -> None:
        super().__init__(f"no passage {passage_id!r} in the index", fix="take a passage id from a search result")
        self.passage_id = passage_id


class NothingIndexedError(TracuuError):
    """A build found no readable document at all."""

    def __init__(self, paths: list[str], failures: int) -> None:
        super().__init__(
            f"nothing could be indexed from {', '.join(paths)} ({failures} file(s) failed)",
            fix="point the build at .txt, .md, .html, .pdf, .docx or .jsonl files with a text layer",
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
            f"{len(failures)} file(s) could not be read (first: {first[0]}: {first[1]}); nothing was written",
            fix="fix or remove those files, or build without --strict",
        )
        self.failures = failures


class BackendUnavailableError(TracuuError):
    """A search server (Milvus) cannot be reached or keeps failing."""

    http_status = 503

    def __init__(self, uri: str, reason: str) -> None:
        super().__init__(f"index server {uri} failed: {reason}",
                         fix="check that the server is running and that host, port and token in the URI are right, "
                             "then retry")
        self.uri, self.reason = uri, reason


class CollectionMismatchError(TracuuError):
    """A server-side collection was built by another analyzer, encoder or schema than this code expects."""

    http_status = 409

    def __init__(self, uri: str, what: str, found: object, expected: object) -> None:
        super().__init__(
            f"index {uri} has {what} {found!r}, this tracuu expects {expected!r}",
            fix=f"rebuild it: tracuu build <your documents> --index {uri}",
        )
        self.uri, self.what, self.found, self.expected = uri, what, found, expected
