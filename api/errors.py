"""Errors only the HTTP app raises (tokens, uploads, missing features): part of the one tree, `tracuu.errors.TracuuError`,
answered as {"error", "fix"} with their own status."""
from __future__ import annotations

from tracuu.errors import TracuuError


class UnauthorizedError(TracuuError):
    """The HTTP API was called without the right bearer token."""

    http_status = 401

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} needs a valid bearer token",
                         fix="send the header 'Authorization: Bearer <token>' with the server's token")
        self.what = what


class WritesDisabledError(TracuuError):
    """The HTTP API has no write token configured, so uploads and deletions are off."""

    http_status = 403

    def __init__(self) -> None:
        super().__init__("this server does not accept changes to its index",
                         fix="start it with TRACUU_API_TOKEN=<secret> to enable uploads and deletions")


class WriteBusyError(TracuuError):
    http_status = 409

    def __init__(self, seconds: float) -> None:
        super().__init__(f"another upload or deletion has been running for over {seconds:.0f}s",
                         fix="try again when it has finished")


class UploadTooLargeError(TracuuError):
    http_status = 413

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"the upload is larger than {limit_bytes // (1024 * 1024)} MB",
                         fix="split the document or index it on the server with: tracuu add FILE --index DIR")
        self.limit_bytes = limit_bytes


class UploadRejectedError(TracuuError):
    """An uploaded file was refused (type, name) or could not be read; nothing in the index changed."""

    def __init__(self, name: str, reason: str, *, fix: str = "") -> None:
        super().__init__(f"{name}: {reason}", fix=fix)
        self.name, self.reason = name, reason


class FeatureUnavailableError(TracuuError):
    """A face asks the index for something this version of the library does not provide."""

    http_status = 501

    def __init__(self, feature: str, fix: str = "upgrade tracuu to a version that provides it") -> None:
        super().__init__(f"{feature} is not available in this version of tracuu", fix=fix)
        self.feature = feature
