"""Response plumbing of the HTTP app: JSON that takes numpy scalars and the error handlers (every error is JSON)."""
from __future__ import annotations

import json
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
        first = exc.errors()[0] if exc.errors() else {"loc": ("request",), "msg": "is invalid"}
        if first.get("type") == "json_invalid":  # FastAPI's "0: JSON decode error" says neither what nor where
            reason = (first.get("ctx") or {}).get("error", "invalid")
            return tracuu_error(request, InvalidQueryError(
                "body", f"is not valid JSON ({reason} at character {first.get('loc', ('', 0))[-1]})",
                fix='send a JSON object such as {"q": "chuyển đổi số"} with Content-Type: application/json'))
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("query", "body", "path"))
        return tracuu_error(request, InvalidQueryError(where or "request", first.get("msg", "is invalid"),
                                                       fix="see the request schema at /docs"))

    def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(getattr(exc, "error", None), TracuuError):  # a body over its budget (middleware.BodyRefused)
            return error_response(exc.error)
        # Starlette's own 404/405/400 (no such route, bad multipart) in the same shape as every other error.
        return JSONResponse({"error": str(exc.detail), "fix": "see the endpoints and request shapes at /docs"},
                            status_code=exc.status_code, headers=exc.headers)

    def server_error(_: Request, exc: Exception) -> JSONResponse:
        # Starlette's last resort answers in plain text; this one keeps the shape (and says nothing of the cause).
        return JSONResponse({"error": "internal server error; the index is unchanged",
                             "fix": "try again; if it persists, report it with the server's log"}, status_code=500,
                            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})

    app.add_exception_handler(TracuuError, tracuu_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, server_error)
