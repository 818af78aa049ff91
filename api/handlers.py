"""Response plumbing of the HTTP app: JSON that takes numpy scalars and the error handlers (every error is JSON)."""
from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse as _JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tracuu.errors import InvalidQueryError, TracuuError

from .errors import UnauthorizedError


class JSONResponse(_JSONResponse):
    """Starlette's JSON, also accepting numpy scalars (a score that stayed float32 must not turn into a 500)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_scalar).encode("utf-8")


# Pydantic's reasons for a refused field, by error type, in the API's language; an unlisted type keeps its own words.
INVALID = {"missing": "thiếu (bắt buộc)", "string_too_short": "quá ngắn: cần ít nhất {min_length} ký tự",
           "string_too_long": "quá dài: nhiều nhất {max_length} ký tự", "too_long": "nhiều nhất {max_length} phần tử",
           "greater_than_equal": "phải lớn hơn hoặc bằng {ge}", "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
           "greater_than": "phải lớn hơn {gt}", "less_than": "phải nhỏ hơn {lt}",
           "int_parsing": "phải là số nguyên", "int_type": "phải là số nguyên", "int_from_float": "phải là số nguyên",
           "float_parsing": "phải là số", "float_type": "phải là số", "bool_parsing": "phải là true hoặc false",
           "bool_type": "phải là true hoặc false", "string_type": "phải là chuỗi", "list_type": "phải là danh sách",
           "dict_type": "phải là đối tượng JSON", "model_attributes_type": "phải là đối tượng JSON",
           "literal_error": "phải là một trong: {expected}", "enum": "phải là một trong: {expected}",
           "extra_forbidden": "không có trường này"}
# Starlette's own refusals, when they carry only the standard English phrase.
HTTP_WORDS = {404: "không có địa chỉ này", 405: "địa chỉ này không nhận phương thức đó"}


def invalid_reason(error: dict) -> str:
    """Why pydantic refused a field, in Vietnamese where the error type is known."""
    words = INVALID.get(error.get("type", ""))
    ctx = {k: v.replace(" or ", " hoặc ") if isinstance(v, str) else v for k, v in (error.get("ctx") or {}).items()}
    try:
        return words.format(**ctx) if words else str(error.get("msg", "không hợp lệ"))
    except (KeyError, IndexError):
        return str(error.get("msg", "không hợp lệ"))


def _scalar(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def error_response(exc: TracuuError) -> JSONResponse:
    """The one shape of every error: {"error": message, "fix": fix}, with the error's own HTTP status."""
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, UnauthorizedError) else None
    return JSONResponse({"error": exc.message, "fix": exc.fix}, status_code=exc.http_status, headers=headers)


def add_error_handlers(app: FastAPI) -> None:
    def tracuu_error(_: Request, exc: TracuuError) -> JSONResponse:
        return error_response(exc)

    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": ("request",), "msg": "không hợp lệ"}
        if first.get("type") == "json_invalid":  # FastAPI's "0: JSON decode error" says neither what nor where
            reason = (first.get("ctx") or {}).get("error", "invalid")
            return tracuu_error(request, InvalidQueryError(
                "body", f"không phải JSON hợp lệ ({reason} ở ký tự {first.get('loc', ('', 0))[-1]})",
                fix='gửi một đối tượng JSON như {"q": "chuyển đổi số"} với Content-Type: application/json'))
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("query", "body", "path"))
        return tracuu_error(request, InvalidQueryError(where or "request", invalid_reason(first),
                                                       fix="xem mô tả yêu cầu tại /docs"))

    def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(getattr(exc, "error", None), TracuuError):  # a body over its budget (middleware.BodyRefused)
            return error_response(exc.error)
        # Starlette's own 404/405/400 (no such route, bad multipart) in the same shape as every other error.
        error = HTTP_WORDS.get(exc.status_code, str(exc.detail)) if exc.detail == HTTPStatus(exc.status_code).phrase \
            else str(exc.detail)
        return JSONResponse({"error": error, "fix": "xem các địa chỉ và dạng yêu cầu tại /docs"},
                            status_code=exc.status_code, headers=exc.headers)

    def server_error(_: Request, exc: Exception) -> JSONResponse:
        # Starlette's last resort answers in plain text; this one keeps the shape (and says nothing of the cause).
        return JSONResponse({"error": "lỗi nội bộ của máy chủ; chỉ mục không thay đổi",
                             "fix": "thử lại; nếu vẫn lỗi, hãy báo lỗi kèm nhật ký (log) của máy chủ"}, status_code=500,
                            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})

    app.add_exception_handler(TracuuError, tracuu_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
