"""Request and response shapes of the HTTP API, with Vietnamese examples for /docs."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from tracuu.index import MAX_K as MAX_DEPTH, MAX_PAGE

MAX_QUERY_CHARS = 1000
MAX_K = MAX_PAGE  # the same page limit as the CLI's -k
MAX_OFFSET = MAX_DEPTH - MAX_PAGE  # offset + k stays within the facade's own limit of hits

Mode = Literal["hybrid", "lexical", "dense"]

_EXAMPLE_PASSAGE = {
    "id": "3f1a9c0d2b7e4a10", "document_id": "nghi-quyet-dai-hoi-xiii.txt", "ordinal": 12,
    "text": "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu.",
    "section": ["I- MỤC TIÊU", "1. Mục tiêu tổng quát"], "section_path": "I- MỤC TIÊU > 1. Mục tiêu tổng quát",
    "context": "", "char_start": 1520, "char_end": 1619, "page": None,
}
_EXAMPLE_DOCUMENT = {
    "id": "nghi-quyet-dai-hoi-xiii.txt", "source": "corpus/nghi-quyet-dai-hoi-xiii.txt",
    "title": "NGHỊ QUYẾT ĐẠI HỘI ĐẠI BIỂU TOÀN QUỐC LẦN THỨ XIII CỦA ĐẢNG", "format": "txt",
    "content_hash": "9b2c…", "passages": 240,
    "metadata": {"number": "01-NQ/TW", "doc_type_name": "Nghị quyết", "issuer": "Đại hội đại biểu toàn quốc",
                 "date": "2021-02-01"},
}
_EXAMPLE_HIT = {
    "rank": 1, "score": 0.0328, "text": _EXAMPLE_PASSAGE["text"], "passage": _EXAMPLE_PASSAGE,
    "document": _EXAMPLE_DOCUMENT,
    "citation": {"document_id": "nghi-quyet-dai-hoi-xiii.txt", "source": "corpus/nghi-quyet-dai-hoi-xiii.txt",
                 "section": "I- MỤC TIÊU > 1. Mục tiêu tổng quát", "page": None, "char_start": 1520,
                 "char_end": 1619,
                 "text": "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng, mục I- MỤC TIÊU > 1."},
}


class ErrorOut(BaseModel):
    """Every error: what went wrong and what to do about it."""

    error: str
    fix: str = ""
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"error": "không có văn bản 'khong-co.txt' trong chỉ mục", "fix": "xem danh sách văn bản: tracuu documents"}]})


class SearchRequest(BaseModel):
    q: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, validation_alias=AliasChoices("q", "query"),
                   description="câu hỏi, có dấu hoặc không dấu")
    k: int = Field(10, ge=1, le=MAX_K)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    mode: Mode = "hybrid"
    document: list[str] | None = Field(None, validation_alias=AliasChoices("document", "documents"),
                                       description="chỉ tìm trong các văn bản này (mã văn bản)")
    filters: dict[str, str] | None = Field(None, description="KEY=VALUE trên metadata, ví dụ doc_type_name")
    doc_type: str | None = Field(None, description="loại văn bản (metadata doc_type_name), ví dụ 'Nghị quyết'")
    date_from: str | None = Field(None, description="từ ngày, YYYY-MM-DD hoặc DD/MM/YYYY")
    date_to: str | None = Field(None, description="đến ngày, YYYY-MM-DD hoặc DD/MM/YYYY")
    explain: bool = False
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"q": "nghi quyet dai hoi 13 ve chuyen doi so", "k": 5, "mode": "hybrid"},
        {"q": "Ban Chỉ đạo phải làm gì", "k": 10, "filters": {"doc_type_name": "Kết luận"}, "explain": True},
    ]})


class SearchOut(BaseModel):
    """`hits` are exactly the CLI's `tracuu search --json` hits (Hit.to_dict())."""

    hits: list[dict[str, Any]]
    offset: int
    k: int
    model_config = ConfigDict(json_schema_extra={"examples": [{"hits": [_EXAMPLE_HIT], "offset": 0, "k": 10}]})


class DocumentHitsOut(BaseModel):
    """Index.search_by_document: documents by their best passage; `count` passages hold every word of the query,
    `related` are among the results at all; `best` are the document's best hits (as in /search)."""

    query: str
    documents: list[dict[str, Any]]
    k: int
    model_config = ConfigDict(json_schema_extra={"examples": [{"query": "2045", "k": 10, "documents": [
        {"rank": 1, "document": _EXAMPLE_DOCUMENT, "count": 3, "related": 5, "score": 0.83, "official": True,
         "best": [_EXAMPLE_HIT]}]}]})


class DocumentsOut(BaseModel):
    documents: list[dict[str, Any]]
    total: int
    offset: int
    limit: int
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"documents": [_EXAMPLE_DOCUMENT], "total": 1, "offset": 0, "limit": 50}]})


class PassageOut(BaseModel):
    passage: dict[str, Any]
    document: dict[str, Any]
    neighbours: list[dict[str, Any]]
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"passage": _EXAMPLE_PASSAGE, "document": _EXAMPLE_DOCUMENT, "neighbours": [_EXAMPLE_PASSAGE]}]})


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUERY_CHARS,
                          validation_alias=AliasChoices("question", "q", "query"))
    k: int = Field(5, ge=1, le=MAX_K)
    document: list[str] | None = Field(None, validation_alias=AliasChoices("document", "documents"))
    filters: dict[str, str] | None = None
    include_commentary: bool = Field(False, description="cả bình luận và lời giới thiệu của trang đăng tải "
                                     "(mặc định bỏ qua; có nhãn \"note\" khi dùng)")
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": "Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ phải làm gì?", "k": 5},
        {"question": "ti le lao dong qua dao tao la bao nhieu", "k": 3}]})


class QuotesOut(BaseModel):
    quotes: list[dict[str, Any]]
    model_config = ConfigDict(json_schema_extra={"examples": [{"quotes": [
        {"quote": "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu.",
         "clean": "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu.",
         "document": _EXAMPLE_DOCUMENT, "section": "I- MỤC TIÊU > 1. Mục tiêu tổng quát", "locator": "mục I.1",
         "page": None, "char_start": 1520, "char_end": 1619, "passage_id": "3f1a9c0d2b7e4a10", "score": 0.91,
         "citation": "Nghị quyết số 01-NQ/TW ngày 01/02/2021 của Đại hội đại biểu toàn quốc, mục I.1"}]}]})


class AnswerOut(BaseModel):
    """`status` "answered"; "low_confidence" (the best sentence, labelled, with `message`); "not_found" (`answer`
    None, `message`, the closest passages). `confidence` estimates the probability that the answer is right."""

    question: str
    answer: str | None
    status: str = "answered"
    confidence: float
    message: str | None = None
    citations: list[dict[str, Any]]
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "question": "ti le lao dong qua dao tao la bao nhieu", "answer": "Tỉ lệ lao động qua đào tạo là 70%.",
        "status": "answered", "confidence": 0.82, "citations": QuotesOut.model_config["json_schema_extra"]["examples"][0]["quotes"]}]})


class WriteOut(BaseModel):
    """What an upload or deletion did (a BuildReport) and which documents it touched."""

    documents: list[str]
    report: dict[str, Any]
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "documents": ["ke-hoach-moi.md"],
        "report": {"index": "index/default", "documents": 9, "passages": 812, "added": ["ke-hoach-moi.md"],
                   "replaced": [], "removed": [], "unchanged": [], "failures": [], "encoded": 14, "seconds": 0.8}}]})


class HealthOut(BaseModel):
    status: str
    generation: str
    documents: int
    passages: int
