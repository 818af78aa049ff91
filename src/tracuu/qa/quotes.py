"""`quotes`: self-contained, quotable sentences that carry a theme, verbatim, each with its citation; diverse by
source; fewer than asked when fewer carry the theme (qa.theme), none when none does."""
from __future__ import annotations

import re
from tracuu.qa.evidence import Candidate, QueryTerms, dense_level, encode, plain, quote_of, tokens_of
from tracuu.qa.source import PassageSource
from tracuu.qa.theme import NONE, phrase_of, standalone, theme_fit
from tracuu.results import DocumentInfo, Hit, Quote, Sentence
from tracuu.text.analyzer import fold
from tracuu.retrieval.filters import MetadataFilter


PASSAGES = 20  # passages searched per topic
MAX_CANDIDATES = 24  # sentences encoded per topic (~0.7 s with an e5-small-sized encoder on 2 idle cores)
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
    "sau đó", "cuối cùng", "ở đây", "họ", "nó", "ông", "bà", "anh", "chị", "cùng đó", "cùng với đó", "với đó",
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
    phrase = phrase_of(topic)
    for c in candidates:
        c.lexical = terms.coverage(tokens_of(index, c.text))
    # The theme's own words first: a sentence that holds them is read before one that only shares words.
    candidates.sort(key=lambda c: -(c.lexical + (f" {phrase} " in f" {_words(c.text)} ") + 0.5 / c.hit.rank))
    candidates = candidates[:MAX_CANDIDATES]
    _score(index, topic, terms, candidates)
    fits = {id(c): theme_fit(phrase, c.text, c.lexical, dense_level(index.sentence_encoder.name, c.similarity))
            for c in candidates}
    fitting = [c for c in candidates if fits[id(c)] != NONE]
    # Exact phrase first, then the same idea in other words; fewer than k when fewer carry the theme.
    fitting.sort(key=lambda c: (-fits[id(c)], -c.score))
    return [quote_of(index, c.hit, c.start, c.end, c.score, c.speaker) for c in _diverse(index, fitting, k)]


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(plain(text)).lower()))


def _allowed(docs: list[DocumentInfo], doc_type: str | None, issuer: str | None, date_from: str | None,
             date_to: str | None) -> list[str] | None:
    wanted = MetadataFilter.for_quotes(doc_type, issuer, date_from, date_to)
    return None if wanted is None else [d.id for d in docs if wanted.matches(d.metadata)]


def _from_passage(index: PassageSource, hit: Hit) -> list[Candidate]:
    doc_text = index.document_text(hit.document.id)
    out = []
    for s in index.sentences(hit.passage):
        for speech in _SPEECH.finditer(s.text):
            start, end = s.char_start + speech.start(2), s.char_start + speech.end(2)
            speaker = _SPEAKER.search(s.text[:speech.start(1)].rsplit(",", 1)[-1])
            out.append(Candidate(hit, start, end, doc_text[start:end], speaker=speaker.group(1) if speaker else None))
        span, clause = _trimmed(doc_text, s), False
        if span and len(plain(doc_text[span[0]:span[1]]).split()) > MAX_WORDS and "|" not in s.text:
            span, clause = _leading_clauses(doc_text, *span), True
        if span and quotable(doc_text[span[0]:span[1]], clause=clause):
            out.append(Candidate(hit, span[0], span[1], doc_text[span[0]:span[1]]))
    return [c for c in out if c.speaker or quotable(c.text, speech=True)]


def _leading_clauses(doc_text: str, start: int, end: int) -> tuple[int, int] | None:
    """A sentence too long to quote, cut after its longest run of leading clauses that fits, at a semicolon
    (never at a comma): "(4) Khơi dậy khát vọng phát triển đất nước phồn vinh, hạnh phúc; phát huy …; …"."""
    best = None
    for m in re.finditer(";", doc_text[start:end]):
        if len(plain(doc_text[start:start + m.start()]).split()) > MAX_WORDS:
            break
        best = (start, start + m.start())
    return best


def _trimmed(doc_text: str, s: Sentence) -> tuple[int, int] | None:
    lead = _LEAD.match(s.text)
    start = s.char_start + (lead.end() if lead else 0)
    tail = _TAIL.search(doc_text, start, s.char_end)
    end = tail.start() if tail else s.char_end
    return (start, end) if start < end else None


def quotable(text: str, *, speech: bool = False, clause: bool = False) -> bool:
    """Self-contained and of quotable length: not a heading, a table row, a list stub or a dangling sentence.
    `clause`: the leading clauses of a long sentence, which end at a semicolon left out of the span."""
    clean = plain(text)
    words = clean.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or "|" in text:
        return False
    ends = clause or re.search(r"[.!?…”\"]$", clean)
    if not speech and (not clean[0].isupper() or clean.isupper() or not ends):
        return False
    head = fold(clean).lower().lstrip("“\"'(")
    if any(head == d or head.startswith(d + " ") or head.startswith(d + ",") for d in DANGLING):
        return False
    return standalone(text)


def _score(index: PassageSource, topic: str, terms: QueryTerms, candidates: list[Candidate]) -> None:
    encode(index, topic, candidates)
    for c in candidates:
        level = dense_level(index.sentence_encoder.name, c.similarity)
        dense = c.relative if level is None else 0.5 * (c.relative + level)
        folded = fold(plain(c.text)).lower()
        strong = min(1.0, len(_STRONG.findall(folded)) / 2) - 2 * min(2, len(_WEAK.findall(folded)))
        kind = (c.hit.document.metadata or {}).get("kind")
        c.score = (0.45 * dense + 0.3 * terms.coverage(tokens_of(index, c.text)) + 0.15 * strong
                   + 0.1 * bool(c.speaker) + KIND_BONUS.get(kind, 0.0) + 0.05 / c.hit.rank
                   - 0.1 * ("**" in c.text or "\\" in c.text))  # PDF debris: prefer the clean copy


def _diverse(index: PassageSource, candidates: list[Candidate], k: int) -> list[Candidate]:
    """Greedy in the given order with caps per passage and per document, skipping near-duplicates (maximal
    marginal relevance with a hard threshold: the same words from another file are not a second quote)."""
    chosen: list[Candidate] = []
    seen_tokens: list[set[str]] = []
    for c in candidates:  # in the caller's order
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


