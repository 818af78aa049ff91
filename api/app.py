"""The HTTP face of tracuu: `create_app(index_path)` builds a FastAPI app over one index (no module-level state)."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import anyio
from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from tracuu import __version__
from tracuu.errors import DocumentNotFoundError, PassageNotFoundError
from tracuu.index import Index
from tracuu.retrieval.filters import MetadataFilter

from . import schemas as s
from .docs import add_offline_docs
from .errors import FeatureUnavailableError, UploadRejectedError, WriteBusyError
from .handlers import JSONResponse, add_error_handlers
from .limits import MAX_UPLOAD_BYTES, Budgets, DocumentExistsError, UploadDeadline, budgets_from_env
from .middleware import Access, Guard
from .uploads import inside, installed, readable, received, remove_leftovers, safe_name, watch_disconnect

STATIC = Path(__file__).resolve().parent / "static"
UPLOADS = "uploads"
WRITE_WAIT_S = 120.0
RELOAD_EVERY_S = 1.0
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": s.ErrorOut} for code in (400, 401, 404, 413, 422, 500)}

@dataclass
class _State:
    """Everything one app holds: its index, its tokens, and the lock that serializes writes."""

    index: Index
    access: Access
    budgets: Budgets
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    checked: float = 0.0

    @property
    def token(self) -> str | None:
        return self.access.token

    @property
    def max_upload_bytes(self) -> int:
        return self.budgets.upload_bytes

    @property
    def uploads(self) -> Path:
        """Where uploaded files are kept: inside an embedded index's folder; for a Milvus index (whose data lives in
        the server) in $TRACUU_UPLOADS_DIR, else ./uploads."""
        folder = self.index.folder
        if folder is not None:
            return folder / UPLOADS
        return Path(os.environ.get("TRACUU_UPLOADS_DIR", UPLOADS))

    def fresh(self) -> Index:
        """The index, after picking up (at most once a second) a generation another process wrote."""
        now = time.monotonic()
        if now - self.checked > RELOAD_EVERY_S and self.write_lock.acquire(blocking=False):
            try:
                self.checked = now
                self.index.reload()
            finally:
                self.write_lock.release()
        return self.index


def _setting(value: Any, env: str) -> str | None:
    value = os.environ.get(env) if value is None else value
    return value or None


def create_app(index_path: str | Path, *, token: str | None = None, read_token: str | None = None,
               max_upload_bytes: int = MAX_UPLOAD_BYTES, index: Index | None = None, budgets: Budgets | None = None,
               allowed_hosts: Sequence[str] | None = None) -> FastAPI:
    """An app serving the index at `index_path`.

    `token` (default: $TRACUU_API_TOKEN) enables uploads and deletions for requests bearing it; with none, writes
    answer 403. `read_token` (default: $TRACUU_API_READ_TOKEN) also protects the read endpoints. Pass "" to
    switch either off regardless of the environment. `budgets` bound what one request may cost (api/limits.py;
    default: limits.budgets_from_env); `allowed_hosts` (default: $TRACUU_ALLOWED_HOSTS, comma-separated, else
    any) are the Host names answered; `tracuu serve` passes its bind address and localhost.
    """
    budgets = budgets or budgets_from_env(max_upload_bytes)
    access = Access(_setting(token, "TRACUU_API_TOKEN"), _setting(read_token, "TRACUU_API_READ_TOKEN"))
    state = _State(index or Index.open(index_path), access, budgets)
    if allowed_hosts is None and os.environ.get("TRACUU_ALLOWED_HOSTS"):
        allowed_hosts = [h for h in os.environ["TRACUU_ALLOWED_HOSTS"].split(",") if h.strip()]
    remove_leftovers(state.uploads, older_than_s=4 * budgets.upload_seconds)
    app = FastAPI(title="tracuu", version=__version__, responses=ERRORS, docs_url=None, redoc_url=None,
                  description="Tra cứu văn bản Đảng và Nhà nước: tìm theo nghĩa (có dấu hoặc không dấu), "
                              "trích dẫn đúng nguyên văn. Search Vietnamese Party and State documents by meaning.")
    app.state.tracuu = state
    add_error_handlers(app)
    app.add_middleware(Guard, access=lambda: state.access, budgets=budgets, allowed_hosts=allowed_hosts)
    bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <token>")

    def can_read(cred: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Index:
        if refusal := state.access.refusal("read", _header(cred)):
            raise refusal
        return state.fresh()

    def can_write(cred: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Index:
        if refusal := state.access.refusal("write", _header(cred)):
            raise refusal
        return state.index

    _read_routes(app, can_read)
    _write_routes(app, state, can_write)
    _page_routes(app, state)
    add_offline_docs(app)
    return app


def _header(cred: HTTPAuthorizationCredentials | None) -> str | None:
    return f"Bearer {cred.credentials}" if cred else None


# -- reads ------------------------------------------------------------------------------------------------------
def _read_routes(app: FastAPI, can_read: Callable[..., Index]) -> None:
    @app.get("/search", response_model=s.SearchOut, tags=["tra cứu"], summary="Tìm đoạn văn theo nghĩa")
    def search_get(index: Index = Depends(can_read),
                   q: str = Query(min_length=1, max_length=s.MAX_QUERY_CHARS,
                                  examples=["nghi quyet dai hoi ve chuyen doi so"]),
                   k: int = Query(10, ge=1, le=s.MAX_K), offset: int = Query(0, ge=0, le=s.MAX_OFFSET),
                   mode: s.Mode = "hybrid", document: list[str] | None = Query(None),
                   doc_type: str | None = Query(None, examples=["Nghị quyết"]), date_from: str | None = None,
                   date_to: str | None = None, explain: bool = False) -> JSONResponse:
        try:
            req = s.SearchRequest(q=q, k=k, offset=offset, mode=mode, document=document, doc_type=doc_type,
                                  date_from=date_from, date_to=date_to, explain=explain)
        except ValidationError as exc:  # a rule the query parameters above do not repeat: a 422, never a 500
            raise RequestValidationError(exc.errors()) from None
        return JSONResponse(_search(index, req))

    @app.get("/search/documents", response_model=s.DocumentHitsOut, tags=["tra cứu"],
             summary="Văn bản nào nói về nội dung này: kết quả nhóm theo văn bản, kèm số đoạn")
    def search_documents(index: Index = Depends(can_read),
                         q: str = Query(min_length=1, max_length=s.MAX_QUERY_CHARS, examples=["2045"]),
                         k: int = Query(10, ge=1, le=s.MAX_K, description="số văn bản"),
                         per_document: int = Query(3, ge=1, le=20, description="số đoạn tiêu biểu mỗi văn bản"),
                         mode: s.Mode = "hybrid", doc_type: str | None = Query(None, examples=["Nghị quyết"]),
                         date_from: str | None = None, date_to: str | None = None) -> JSONResponse:
        filters = MetadataFilter.from_request(None, doc_type, date_from, date_to)
        groups = _stable(index, lambda: [g.to_dict() for g in index.search_by_document(
            q, k, per_document=per_document, mode=mode, filters=filters)])
        return JSONResponse({"query": q, "documents": groups, "k": k})

    @app.post("/search", response_model=s.SearchOut, tags=["tra cứu"], summary="Tìm đoạn văn (JSON, có bộ lọc)")
    def search_post(req: s.SearchRequest, index: Index = Depends(can_read)) -> JSONResponse:
        return JSONResponse(_search(index, req))

    @app.post("/ask", response_model=s.AnswerOut, tags=["tra cứu"], summary="Hỏi đáp: câu trả lời kèm trích dẫn",
              responses={501: {"model": s.ErrorOut}})
    def ask(req: s.AskRequest, index: Index = Depends(can_read)) -> JSONResponse:
        if not hasattr(index, "ask"):
            raise FeatureUnavailableError("ask (hỏi đáp)")
        options = {"documents": req.document, "filters": req.filters} if req.document or req.filters else {}
        if req.include_commentary:
            options["include_commentary"] = True
        return JSONResponse(_stable(index, lambda: index.ask(req.question, req.k, **options).to_dict()))

    @app.get("/quotes", response_model=s.QuotesOut, tags=["tra cứu"], summary="Câu trích dẫn nguyên văn theo chủ đề",
             responses={501: {"model": s.ErrorOut}})
    def quotes(index: Index = Depends(can_read),
               topic: str = Query(min_length=1, max_length=s.MAX_QUERY_CHARS, examples=["chuyển đổi số"]),
               k: int = Query(10, ge=1, le=s.MAX_K), doc_type: str | None = None, issuer: str | None = None,
               date_from: str | None = None, date_to: str | None = None,
               include_commentary: bool = Query(False, description="cả bình luận và lời giới thiệu của trang đăng "
                                                "tải (mặc định bỏ qua; có nhãn khi dùng)")) -> JSONResponse:
        if not hasattr(index, "quotes"):
            raise FeatureUnavailableError("quotes (trích dẫn)")
        extra = {"include_commentary": True} if include_commentary else {}
        return JSONResponse(_stable(index, lambda: {"quotes": [q.to_dict() for q in index.quotes(
            topic, k, doc_type=doc_type or None, issuer=issuer or None, date_from=date_from or None,
            date_to=date_to or None, **extra)]}))

    @app.get("/documents", response_model=s.DocumentsOut, tags=["văn bản"], summary="Danh sách văn bản")
    def documents(index: Index = Depends(can_read), offset: int = Query(0, ge=0),
                  limit: int = Query(100, ge=1, le=1000)) -> JSONResponse:
        docs = sorted(index.documents(), key=lambda d: d.id)
        return JSONResponse({"documents": [d.to_dict() for d in docs[offset:offset + limit]], "total": len(docs),
                             "offset": offset, "limit": limit})

    @app.get("/documents/{document_id:path}", tags=["văn bản"], summary="Một văn bản (mã có thể chứa / và #)")
    def document(document_id: str, index: Index = Depends(can_read)) -> JSONResponse:
        return JSONResponse(index.document(document_id).to_dict())

    @app.get("/passages/{passage_id}", response_model=s.PassageOut, tags=["văn bản"],
             summary="Một đoạn văn và các đoạn liền kề")
    def passage(passage_id: str, index: Index = Depends(can_read), before: int = Query(1, ge=0, le=10),
                after: int = Query(1, ge=0, le=10)) -> JSONResponse:
        def look_up() -> dict[str, Any]:
            found = index.passage(passage_id)
            return {"passage": found.to_dict(), "document": index.document(found.document_id).to_dict(),
                    "neighbours": [p.to_dict() for p in index.neighbours(passage_id, before, after)]}

        return JSONResponse(_stable(index, look_up))

    @app.get("/info", tags=["chỉ mục"], summary="Thông tin chỉ mục")
    def info(index: Index = Depends(can_read)) -> JSONResponse:
        data = index.info()
        data.pop("document_list", None)  # paginated at /documents
        meta = [d.metadata for d in index.documents()]
        data["doc_types"] = sorted({str(m["doc_type_name"]) for m in meta if m.get("doc_type_name")})
        data["issuers"] = sorted({str(m["issuer"]) for m in meta if m.get("issuer")})
        data["features"] = {"ask": hasattr(index, "ask"), "quotes": hasattr(index, "quotes"),
                            "writes": bool(app.state.tracuu.token)}
        return JSONResponse(data)

    @app.get("/health", response_model=s.HealthOut, tags=["chỉ mục"], summary="Máy chủ còn sống")
    def health() -> JSONResponse:
        index = app.state.tracuu.fresh()
        m = index.manifest
        return JSONResponse({"status": "ok", "generation": index.info()["generation"], "documents": m.documents,
                             "passages": m.passages})


def _stable(index: Index, call: Callable[[], Any]) -> Any:
    """Run a multi-step read once more if a write swapped the generation under it and a step lost its document.

    The facade swaps generations atomically, but a call that reads it several times (search, then the hits'
    sentences) can meet a document removed in between; that is a race, not a 404.
    """
    before = index.manifest
    try:
        return call()
    except (DocumentNotFoundError, PassageNotFoundError):
        if index.manifest is before:
            raise
        return call()


def _search(index: Index, req: s.SearchRequest) -> dict[str, Any]:
    hits = index.search(req.q, req.offset + req.k, mode=req.mode, documents=req.document or None,
                        filters=MetadataFilter.from_request(req.filters, req.doc_type, req.date_from, req.date_to),
                        explain=req.explain)[req.offset:]
    return {"hits": [h.to_dict() for h in hits], "offset": req.offset, "k": req.k}


# -- writes -----------------------------------------------------------------------------------------------------
def _write_routes(app: FastAPI, state: _State, can_write: Callable[..., Index]) -> None:
    def locked(wait_s: float = WRITE_WAIT_S) -> threading.Lock:
        if not state.write_lock.acquire(timeout=max(0.0, min(wait_s, WRITE_WAIT_S))):
            raise WriteBusyError(wait_s)
        return state.write_lock

    @app.post("/documents", status_code=201, response_model=s.WriteOut, tags=["cập nhật"],
              summary="Thêm một văn bản (.txt .md .html .pdf .docx .jsonl, tối đa 20 MB); thay bản cũ: ?replace=true",
              responses={403: {"model": s.ErrorOut}, 409: {"model": s.ErrorOut}, 413: {"model": s.ErrorOut}})
    async def upload(request: Request, file: UploadFile = File(description="tệp văn bản"),
                     replace: bool = Query(False, description="thay văn bản cùng mã đã có trong chỉ mục"),
                     index: Index = Depends(can_write)) -> JSONResponse:
        deadline = UploadDeadline(state.budgets)
        name = safe_name(file.filename)
        outcome: list[Any] = []
        async with anyio.create_task_group() as watch:
            watch.start_soon(watch_disconnect, request, deadline.gone)
            try:
                outcome.append(await anyio.to_thread.run_sync(_upload, index, name, file.file, replace, deadline))
            except Exception as exc:  # raised below, outside the group, which would wrap it in an ExceptionGroup
                outcome.append(exc)
            finally:
                watch.cancel_scope.cancel()
        if isinstance(outcome[0], Exception):
            raise outcome[0]
        report = outcome[0]
        touched = list(report.added) + list(report.replaced)
        return JSONResponse({"documents": touched or list(report.unchanged), "report": report.to_dict()},
                            status_code=201 if touched else 200)

    def _upload(index: Index, name: str, data: Any, replace: bool, deadline: UploadDeadline) -> Any:
        with received(state.uploads, name, data, state.max_upload_bytes) as incoming:
            ids = readable(incoming, name, state.budgets.read)
            deadline.check()
            target = state.uploads / name
            taken = sorted(d.id for d in index.documents() if d.id in ids or Path(d.source) == target)
            if taken and not replace:
                raise DocumentExistsError(taken[0])
            lock = locked(deadline.remaining)
            try:
                with installed(state.uploads, incoming) as path:
                    report = index.add([path], progress=deadline)
                    if not report.added and not report.replaced and not report.unchanged:
                        reason = report.failures[0][1] if report.failures else "không đọc được văn bản nào từ tệp"
                        raise UploadRejectedError(name, reason + "; chỉ mục không thay đổi",
                                                  fix="kiểm tra tệp mở được và có lớp văn bản")
            finally:
                lock.release()
        return report

    @app.delete("/documents/{document_id:path}", response_model=s.WriteOut, tags=["cập nhật"],
                summary="Xoá một văn bản khỏi chỉ mục", responses={403: {"model": s.ErrorOut}})
    def delete(document_id: str, index: Index = Depends(can_write)) -> JSONResponse:
        lock = locked()
        try:
            source = Path(index.document(document_id).source)
            report = index.remove([document_id])
            still_used = any(Path(d.source) == source for d in index.documents())
            if inside(state.uploads, source) and not still_used:
                source.unlink(missing_ok=True)
        finally:
            lock.release()
        return JSONResponse({"documents": [document_id], "report": report.to_dict()})


# -- the web page -----------------------------------------------------------------------------------------------
def _page_routes(app: FastAPI, state: _State) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": PAGE_CSP,
                                                            "X-Content-Type-Options": "nosniff"})
