"""`quotes`: self-contained, quotable sentences on a topic, verbatim, each with its citation; diverse by source."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from tracuu.text.analyzer import fold
from tracuu.qa.ask import QueryTerms, dense_level, plain, tokens_of
from tracuu.citation import cite
from tracuu.errors import InvalidQueryError
from tracuu.qa.source import PassageSource
from tracuu.results import DocumentInfo, Hit, Quote, Sentence


PASSAGES = 20  # passages searched per topic
MAX_CANDIDATES = 24  # sentences encoded per topic (~0.7 s with e5-small on 2 idle cores)
MIN_WORDS, MAX_WORDS = 12, 60
PER_PASSAGE, PER_DOCUMENT = 1, 2
DUPLICATE = 0.6  # folded-syllable overlap above which two quotes say the same thing (NQ 57 is in two files)
KIND_BONUS = {"official": 0.1, "news": 0.0, "commentary": -0.15}

# Openings that lean on the sentence before ("Đó là…", "Trên cơ sở đó…") or continue it ("Và…").
DANGLING = tuple(fold(s) for s in (
    "đó là", "điều này", "điều đó", "việc này", "việc đó", "trên cơ sở đó", "trên cơ sở này", "do đó", "vì vậy",
    "vì thế", "theo đó", "bên cạnh đó", "ngoài ra", "tuy nhiên", "như vậy", "từ đó", "qua đó", "đồng thời",
    "nhờ đó", "mặt khác", "cụ thể", "trong đó", "này", "những", "các nội dung trên", "nội dung này", "tại đây",
    "và", "nhưng", "hoặc", "còn", "mà", "song", "tuy", "nên", "rồi", "hay", "hơn nữa", "thứ hai", "thứ ba",
    "sau đó", "cuối cùng", "ở đây", "họ", "nó", "ông", "bà", "anh", "chị",
))
# Leading list markers and Markdown are trimmed off the quoted span (still a slice of the document).
# Markdown escapes a list number's dot ("**1\.** Thành lập …"): the number is no part of the quote either way.
_LEAD = re.compile(r"^(?:\s|\\?[-+•*–]|\*\*|#+|>|\(?\d{1,3}(?:\.\d{1,3})*\\?[.)]|\(?[a-zđ]\)|[IVXLC]+[.-]|\\)+")
_TAIL = re.compile(r"[\s*_\\]+$")
# Statements worth quoting: assessments, goals, calls to action.
_STRONG = re.compile(r"\b(" + "|".join(fold(w) for w in (
    "phải", "cần", "kiên quyết", "quyết liệt", "đột phá", "hàng đầu", "động lực", "then chốt", "tiên quyết",
    "phấn đấu", "mục tiêu", "khẳng định", "nhấn mạnh", "to lớn", "chiến lược", "nhất quán", "kiên định",
    "nhiệm vụ trọng tâm", "vai trò", "quan trọng", "yêu cầu", "nền tảng", "sức mạnh", "đoàn kết",
)) + r")\b")
# Shortcomings ("chưa được quan tâm", "hạn chế, yếu kém") are true but not what a writer quotes on a topic.
_WEAK = re.compile(r"\b(" + "|".join(fold(w) for w in (
    "chưa", "hạn chế", "yếu kém", "bất cập", "khuyết điểm", "tồn tại", "chậm", "thiếu",
)) + r")\b")
# Speech quoted after a verb of saying: “…” after "đánh giá:", "nhấn mạnh:".
_SPEECH = re.compile(r"(đánh giá|nhấn mạnh|khẳng định|chỉ rõ|yêu cầu|cho rằng|phát biểu|nói|lưu ý|chỉ đạo)"
                     r"\s*:\s*[“\"]([^”\"]{40,}?)[”\"]")
_SPEAKER = re.compile(r"((?:Tổng Bí thư|Chủ tịch nước|Chủ tịch Quốc hội|Thủ tướng(?: Chính phủ)?|Chủ tịch|"
                      r"Bí thư(?: Thành ủy| Tỉnh ủy)?(?: [A-ZĐ]\w*)*|Bộ trưởng|Phó Thủ tướng|đồng chí)"
                      r"(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)\s*$")


@dataclass
class _Candidate:
    hit: Hit
    start: int
    end: int
    text: str
    speaker: str | None = None
    score: float = 0.0
    vector: np.ndarray | None = None


def quotes(index: PassageSource, topic: str, k: int = 5, *, doc_type: str | None = None, issuer: str | None = None,
           date_from: str | None = None, date_to: str | None = None, include_commentary: bool = False) -> list[Quote]:
    """Up to `k` quotable sentences on `topic`, official documents first, at most one per passage, two per
    document; `doc_type` ("NQ" or "Nghị quyết"), `issuer` (part of the name) and ISO dates filter by metadata.
    Commentary and a page's introduction are quoted only with `include_commentary` (Passage.official)."""
    allowed = _allowed(index.documents(), doc_type, issuer, date_from, date_to)
    if allowed is not None and not allowed:
        return []
    hits = index.search(topic, PASSAGES, documents=allowed, official_only=not include_commentary)
    terms = QueryTerms.of(index, topic)
    candidates = [c for h in hits for c in _from_passage(index, h)]
    if not candidates:
        return []
    candidates.sort(key=lambda c: -(terms.coverage(tokens_of(index, c.text)) + 0.5 / c.hit.rank))
    candidates = candidates[:MAX_CANDIDATES]
    _score(index, topic, terms, candidates)
    return [_quote(index, c) for c in _diverse(index, candidates, k)]


def _allowed(docs: list[DocumentInfo], doc_type: str | None, issuer: str | None, date_from: str | None,
             date_to: str | None) -> list[str] | None:
    if not any((doc_type, issuer, date_from, date_to)):
        return None
    low, high = _iso(date_from, "date_from"), _iso(date_to, "date_to")
    out = []
    for d in docs:
        m = d.metadata or {}
        if doc_type and fold(doc_type).lower() not in {fold(str(m.get(key, ""))).lower()
                                                       for key in ("doc_type", "doc_type_name")}:
            continue
        if issuer and fold(issuer).lower() not in fold(str(m.get("issuer", ""))).lower():
            continue
        if low or high:
            when = _iso(m.get("date"), None)
            if when is None or (low and when < low) or (high and when > high):
                continue
        out.append(d.id)
    return out


def _iso(value: str | None, field: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        if field is None:
            return None  # a document whose date the parser could not read: left out of date ranges
        raise InvalidQueryError(field, f"{value!r} is not a date", fix="write it as YYYY-MM-DD") from None


def _from_passage(index: PassageSource, hit: Hit) -> list[_Candidate]:
    doc_text = index.document_text(hit.document.id)
    out = []
    for s in index.sentences(hit.passage):
        for speech in _SPEECH.finditer(s.text):
            start, end = s.char_start + speech.start(2), s.char_start + speech.end(2)
            speaker = _SPEAKER.search(s.text[:speech.start(1)].rsplit(",", 1)[-1])
            out.append(_Candidate(hit, start, end, doc_text[start:end], speaker.group(1) if speaker else None))
        span = _trimmed(doc_text, s)
        if span and quotable(doc_text[span[0]:span[1]]):
            out.append(_Candidate(hit, span[0], span[1], doc_text[span[0]:span[1]]))
    return [c for c in out if c.speaker or quotable(c.text, speech=True)]


def _trimmed(doc_text: str, s: Sentence) -> tuple[int, int] | None:
    lead = _LEAD.match(s.text)
    start = s.char_start + (lead.end() if lead else 0)
    tail = _TAIL.search(doc_text, start, s.char_end)
    end = tail.start() if tail else s.char_end
    return (start, end) if start < end else None


def quotable(text: str, *, speech: bool = False) -> bool:
    """Self-contained and of quotable length: not a heading, a table row, a list stub or a dangling sentence."""
    clean = plain(text)
    words = clean.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or "|" in text:
        return False
    if not speech and (not clean[0].isupper() or clean.isupper() or not re.search(r"[.!?…”\";]$", clean)):
        return False
    head = fold(clean).lower().lstrip("“\"'(")
    return not any(head == d or head.startswith(d + " ") or head.startswith(d + ",") for d in DANGLING)


def _score(index: PassageSource, topic: str, terms: QueryTerms, candidates: list[_Candidate]) -> None:
    query = index.query_vector(topic)
    vectors = index.text_vectors([plain(c.text) for c in candidates])
    sims = vectors @ query
    lo, hi = float(sims.min()), float(sims.max())
    for c, sim, vec in zip(candidates, sims, vectors):
        c.vector = vec
        level = dense_level(index.encoder.name, float(sim))
        relative = (sim - lo) / (hi - lo) if hi > lo else 1.0
        dense = relative if level is None else 0.5 * (relative + level)
        folded = fold(plain(c.text)).lower()
        strong = min(1.0, len(_STRONG.findall(folded)) / 2) - 2 * min(2, len(_WEAK.findall(folded)))
        kind = (c.hit.document.metadata or {}).get("kind")
        c.score = (0.45 * dense + 0.3 * terms.coverage(tokens_of(index, c.text)) + 0.15 * strong
                   + 0.1 * bool(c.speaker) + KIND_BONUS.get(kind, 0.0) + 0.05 / c.hit.rank
                   - 0.1 * ("**" in c.text or "\\" in c.text))  # PDF debris: prefer the clean copy


def _diverse(index: PassageSource, candidates: list[_Candidate], k: int) -> list[_Candidate]:
    """Greedy by score with caps per passage and per document, skipping near-duplicates (maximal marginal
    relevance with a hard threshold: the same words from another file are not a second quote)."""
    chosen: list[_Candidate] = []
    seen_tokens: list[set[str]] = []
    for c in sorted(candidates, key=lambda c: -c.score):
        if len(chosen) == k:
            break
        if sum(x.hit.passage.id == c.hit.passage.id for x in chosen) >= PER_PASSAGE:
            continue
        if sum(x.hit.document.id == c.hit.document.id for x in chosen) >= PER_DOCUMENT:
            continue
        tokens = set(fold(plain(c.text)).lower().split())
        if any(len(tokens & t) / max(1, min(len(tokens), len(t))) > DUPLICATE for t in seen_tokens):
            continue
        if any(float(c.vector @ x.vector) > 0.97 for x in chosen):
            continue
        chosen.append(c)
        seen_tokens.append(tokens)
    return chosen


def _quote(index: PassageSource, c: _Candidate) -> Quote:
    citation = replace(cite(c.hit.document, c.hit.passage), char_start=c.start, char_end=c.end)
    return Quote(c.text, c.hit.document, citation, c.hit.passage.id, float(c.score), c.speaker,
                 index.clean_text(c.hit.passage, c.start, c.end))
