"""Errors only the HTTP app raises (tokens, uploads, missing features): part of the one tree, `tracuu.errors.TracuuError`,
answered as {"error", "fix"} with their own status."""
from __future__ import annotations

from tracuu.errors import TracuuError


class UnauthorizedError(TracuuError):
    """The HTTP API was called without the right bearer token."""

    http_status = 401

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} cần mã truy cập (bearer token) hợp lệ",
                         fix="gửi kèm header 'Authorization: Bearer <token>' với mã truy cập của máy chủ")
        self.what = what


class WritesDisabledError(TracuuError):
    """The HTTP API has no write token configured, so uploads and deletions are off."""

    http_status = 403

    def __init__(self) -> None:
        super().__init__("máy chủ này không nhận thay đổi chỉ mục của nó",
                         fix="khởi động máy chủ với TRACUU_API_TOKEN=<mã bí mật> để bật tải lên và xoá văn bản")


class WriteBusyError(TracuuError):
    http_status = 409

    def __init__(self, seconds: float) -> None:
        super().__init__(f"một lần tải lên hoặc xoá văn bản khác đã chạy hơn {seconds:.0f} giây",
                         fix="thử lại khi lần đó đã xong")


class UploadTooLargeError(TracuuError):
    http_status = 413

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"tệp tải lên lớn hơn {limit_bytes // (1024 * 1024)} MB",
                         fix="chia nhỏ văn bản, hoặc đưa nó vào chỉ mục ngay trên máy chủ bằng: "
                             "tracuu add TỆP --index CHỈ_MỤC")
        self.limit_bytes = limit_bytes


class UploadRejectedError(TracuuError):
    """An uploaded file was refused (type, name) or could not be read; nothing in the index changed."""

    def __init__(self, name: str, reason: str, *, fix: str = "") -> None:
        super().__init__(f"{name}: {reason}", fix=fix)
        self.name, self.reason = name, reason


class FeatureUnavailableError(TracuuError):
    """A face asks the index for something this version of the library does not provide."""

    http_status = 501

    def __init__(self, feature: str, fix: str = "nâng cấp tracuu lên phiên bản có tính năng này") -> None:
        super().__init__(f"phiên bản tracuu này chưa có {feature}", fix=fix)
        self.feature = feature
