"""Frozen result types shared by the library, the CLI and the HTTP app."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# What a passage is, when it is not the document's own text (ingest/furniture.py decides at build time).
# "body": the text of a document as issued or published; the others are never cited as that document.
BODY = "body"
NOT_OFFICIAL = {
    "commentary": "Bình luận của người biên soạn, không phải văn bản chính thức",
    "page": "Lời giới thiệu của trang đăng tải, không thuộc nội dung văn bản",
}


def kind_note(kind: str) -> str:
    """The Vietnamese label every output shows beside a non-official passage ("" for a document's own text)."""
    return NOT_OFFICIAL.get(kind, "")


@dataclass(frozen=True)
class DocumentInfo:
    """A document as the index knows it (no full text)."""

    id: str
    source: str
    title: str
    format: str
    content_hash: str
    passages: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # what reading found: legacy encoding converted, broken text, ...

    @property
    def official(self) -> bool:
        """False for text known not to be an official or published one: the commentary a file holds after an
        official text's signature block (ingest/furniture.py). Official texts and news articles are True."""
        return (self.metadata or {}).get("official") is not False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["official"] = self.official
        return d


@dataclass(frozen=True)
class Passage:
    """A retrievable piece of a document; `char_start:char_end` index the document's extracted text."""

    id: str
    document_id: str
    ordinal: int
    text: str
    section: tuple[str, ...]
    context: str
    char_start: int
    char_end: int
    page: int | None = None
    # Where `text` starts in the document's cleaned text: maps sentence offsets back to the extracted text.
    clean_start: int = field(default=0, repr=False)
    kind: str = BODY  # "body", or "commentary" / "page" (a web page's introduction): see NOT_OFFICIAL

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)

    @property
    def official(self) -> bool:
        return self.kind == BODY

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        del d["clean_start"]
        d["section"] = list(self.section)
        d["section_path"] = self.section_path
        d["official"] = self.official
        if not self.official:
            d["note"] = kind_note(self.kind)
        return d


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage; `text` is the document's extracted text at char_start:char_end, verbatim."""

    passage_id: str
    ordinal: int
    text: str
    char_start: int
    char_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """Where a passage comes from, and the ready-to-paste line for it."""

    document_id: str
    source: str
    section: str
    page: int | None
    char_start: int
    char_end: int
    text: str
    locator: str = ""  # "mục III.2", "Điều 5, khoản 2": the part of `text` after the document
    kind: str = BODY  # the cited passage's kind: a non-official one is cited as what it is (citation.py)

    @property
    def official(self) -> bool:
        return self.kind == BODY

    @property
    def note(self) -> str:
        return kind_note(self.kind)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["official"] = self.official
        if not self.official:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Quote:
    """A verbatim span of a document (`text` == document text[char_start:char_end]) with its citation.

    `clean` holds the same words as the document reads them: in a Markdown, HTML or PDF source the span also holds
    markup or extraction debris ("**1\\.** Thành lập …"), which nobody should paste. Show and paste `clean`.
    """

    text: str
    document: DocumentInfo
    citation: Citation
    passage_id: str
    score: float = 0.0
    speaker: str | None = None  # who is quoted, for speech in “…” ("Tổng Bí thư Nguyễn Phú Trọng")
    clean: str = ""

    @property
    def shown(self) -> str:
        """What to show and paste: `clean`, or the exact span where no clean reading was made."""
        return self.clean or " ".join(self.text.split())

    @property
    def char_start(self) -> int:
        return self.citation.char_start

    @property
    def char_end(self) -> int:
        return self.citation.char_end

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "quote": self.text, "clean": self.shown, "document": self.document.to_dict(),
            "section": self.citation.section,
            "locator": self.citation.locator, "page": self.citation.page, "char_start": self.char_start,
            "char_end": self.char_end, "citation": self.citation.text, "passage_id": self.passage_id,
            "score": round(self.score, 4), "official": self.citation.official,
        }
        if not self.citation.official:
            d["note"] = self.citation.note
        if self.speaker:
            d["speaker"] = self.speaker
        return d


@dataclass(frozen=True)
class Answer:
    """The sentences that answer a question, verbatim, with their citations; `answer` None = nothing reliable."""

    question: str
    answer: str | None
    confidence: float  # the estimated probability that the answer is right
    citations: tuple[Quote, ...] = ()
    message: str | None = None
    # "answered"; "low_confidence": the best sentence of on-topic passages, shown labelled, with `message`;
    # "not_found": `answer` None, `citations` the closest passages. Left empty, it follows `answer`.
    status: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", "answered" if self.answer is not None else "not_found")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"question": self.question, "answer": self.answer, "status": self.status,
                             "confidence": round(self.confidence, 3)}
        if self.message:
            d["message"] = self.message
        d["citations"] = [c.to_dict() for c in self.citations]
        return d


@dataclass(frozen=True)
class Explanation:
    """How a hit was ranked: each retriever's rank and score (None = not among its candidates)."""

    lexical_rank: int | None
    lexical_score: float | None
    dense_rank: int | None
    dense_score: float | None
    fused_score: float
    reference: float = 0.0  # added because the query names the passage's document (and its article or section)
    lexical_weight: float | None = None  # the weights this query was fused with (retrieval/adaptive_fusion.py)
    dense_weight: float | None = None
    weighting: str = ""  # why those weights

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    passage: Passage
    document: DocumentInfo
    citation: Citation
    explanation: Explanation | None = None
    # Where else the same words are indexed (the resolution as its own file and inside a compilation): copies.py.
    also_in: tuple[Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "rank": self.rank,
            "score": round(self.score, 6),
            "text": self.passage.text,
            "passage": self.passage.to_dict(),
            "document": self.document.to_dict(),
            "citation": self.citation.to_dict(),
            "official": self.passage.official,
        }
        if not self.passage.official:
            d["note"] = kind_note(self.passage.kind)
        if self.also_in:
            d["also_in"] = [c.to_dict() for c in self.also_in]
        if self.explanation is not None:
            d["explain"] = self.explanation.to_dict()
        return d


@dataclass(frozen=True)
class BuildReport:
    """What a build or update did: counts, timings and every file that failed, with its reason."""

    index: str
    documents: int
    passages: int
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    failures: tuple[tuple[str, str], ...]
    encoded: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["failures"] = [{"path": p, "reason": r} for p, r in self.failures]
        return d


@dataclass(frozen=True)
class DocumentHits:
    """A document among a search's results (`Index.search_by_document`): how many of its passages say the query
    (hold every content word of it), how many are among the results at all, and its best hits."""

    rank: int
    document: DocumentInfo
    count: int  # passages among the results that hold every content word of the query
    related: int  # passages of this document among the results (by words or by meaning)
    score: float  # its best hit's score
    best: tuple[Hit, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = {"rank": self.rank, "document": self.document.to_dict(), "count": self.count,
             "related": self.related, "score": round(self.score, 6), "official": self.document.official,
             "best": [h.to_dict() for h in self.best]}
        if not self.document.official:
            d["note"] = kind_note("commentary")
        return d
