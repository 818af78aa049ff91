"""Running the app under uvicorn with limits on idle and slow clients, and JSON even for uvicorn's own errors.

uvicorn's h11 protocol closes an idle keep-alive connection only after a response, never one that connects and
says nothing, and no timer covers a request line and headers sent a byte at a time; its 400 and 500 answers are
plain text. `GuardedH11Protocol` adds the two timers and answers those errors as {"error", "fix"}.
"""
from __future__ import annotations

import asyncio
import json
import os
from typing import Any, Sequence

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

IDLE_S = 15  # a connection that sends nothing (first request, or between requests) is closed after this
HEADERS_S = 10.0  # the request line and headers must arrive within this once the first byte has
MAX_HEADER_BYTES = 16 * 1024
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_JSON = [(b"content-type", b"application/json"), (b"x-content-type-options", b"nosniff"),
         (b"cache-control", b"no-store"), (b"connection", b"close")]


def _body(error: str, fix: str) -> bytes:
    return json.dumps({"error": error, "fix": fix}, ensure_ascii=False).encode("utf-8")


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with an idle timer from the first moment, a header timer, and JSON errors."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._headers_timer: asyncio.TimerHandle | None = None
        self._unset_keepalive_if_required()
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def data_received(self, data: bytes) -> None:
        waiting = self.conn.their_state is h11.IDLE  # between requests: these bytes start the next one
        if waiting and self._headers_timer is None:
            self._headers_timer = self.loop.call_later(HEADERS_S, self._headers_too_slow)
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE and self._headers_timer is not None:
            self._headers_timer.cancel()  # the headers are in
            self._headers_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._headers_timer is not None:
            self._headers_timer.cancel()
        super().connection_lost(exc)

    def _headers_too_slow(self) -> None:
        self._headers_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.send_400_response("dòng yêu cầu và các header không đến kịp")

    def send_400_response(self, msg: str) -> None:
        body = _body(f"yêu cầu HTTP không hợp lệ: {msg}", "gửi yêu cầu HTTP/1.1 đúng chuẩn, phần header dưới 16 KB")
        try:
            self.transport.write(self.conn.send(h11.Response(status_code=400, headers=[
                *_JSON, (b"content-length", str(len(body)).encode())], reason=b"Bad Request")))
            self.transport.write(self.conn.send(h11.Data(data=body)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:
            pass  # a response had already begun: nothing more can be said on this connection
        self.transport.close()


async def _json_500(self: Any) -> None:
    body = _body("lỗi nội bộ của máy chủ", "thử lại; nếu vẫn lỗi, hãy báo lỗi kèm nhật ký (log) của máy chủ")
    await self.send({"type": "http.response.start", "status": 500,
                     "headers": [*_JSON, (b"content-length", str(len(body)).encode())]})
    await self.send({"type": "http.response.body", "body": body, "more_body": False})


def allowed_hosts(bind: str, extra: str | None) -> list[str]:
    """The bind address and localhost, plus `extra` (comma-separated; default $TRACUU_ALLOWED_HOSTS; "*": any).
    A wildcard bind (0.0.0.0, ::) is no name a browser sends, so it adds nothing."""
    given = extra if extra is not None else os.environ.get("TRACUU_ALLOWED_HOSTS", "")
    names = [*LOCAL_HOSTS, *(h.strip() for h in given.split(",") if h.strip())]
    if bind not in ("0.0.0.0", "::", ""):
        names.append(bind)
    return sorted(set(names))


def run(app: Any, host: str, port: int, *, idle_s: int = IDLE_S) -> None:
    """Serve `app`; the limits above apply (uvicorn's own 500 is patched to JSON on its request cycle class)."""
    from uvicorn.protocols.http import h11_impl

    h11_impl.RequestResponseCycle.send_500_response = _json_500  # type: ignore[method-assign]
    uvicorn.run(app, host=host, port=port, log_level="warning", http=GuardedH11Protocol, timeout_keep_alive=idle_s,
                h11_max_incomplete_event_size=MAX_HEADER_BYTES)


__all__: Sequence[str] = ("GuardedH11Protocol", "allowed_hosts", "run")
