"""Evidence that `ask` and `quotes` share: a question's weighted terms, candidate spans, their similarity to the
question, and the cited quote a chosen span becomes. One implementation of each, pure where it can be."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from tracuu.citation import cite
from tracuu.qa.source import PassageSource
from tracuu.results import Hit, Quote, Sentence
from tracuu.text.abbreviations import rewrite_query
from tracuu.text.analyzer import fold

# Absolute similarity levels of known encoders: below `low` a sentence is unrelated, above `high` it is on topic.
# Measured on party-dev answerable questions against the no-answer ones (answerable best sentences: 0.874-0.926;
# unanswerable: 0.818-0.899, most under 0.86). Unknown encoders get None: callers use the terms only.
# tracuu-e5-1: the cosines at the quantiles where e5-small's pair sits over the tuning questions (bench/dense_scale.py);
# it also scores the sentences of tracuu-e5-2's indexes (encoders.SENTENCE_ENCODERS), so version 2 needs no scale.
DENSE_SCALE = {"e5-small": (0.84, 0.90), "st:intfloat/multilingual-e5-small": (0.84, 0.90),
               "tracuu-e5-1": (0.397, 0.651)}

# Question words and function words carry no evidence (folded, since questions are often typed without accents).
STOPWORDS_ACCENTED = frozenset(w for w in """
    của và các là có được những cho trong với về theo đến từ tại ra vào để này đó thì mà như một
    gì nào ai đâu sao bao nhiêu mấy không hay hoặc nhé ạ thế làm phải cần nên đã đang sẽ
    năm ngày tháng nay hôm mới nhất hiện người
    """.split())
# Folded, they would also drop content words (bảo -> bao, Nam -> năm, ma túy -> mà): only for syllables typed
# without any mark.
STOPWORDS = frozenset(fold(w) for w in STOPWORDS_ACCENTED)
_MARKUP = re.compile(r"[\\*_#]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?<![\d.,/])(?:19[4-9]\d|20\d\d)(?![\d.,]\d)")


def plain(text: str) -> str:
    """Text without Markdown debris and with one space: for matching and encoding, never for display."""
    return " ".join(_MARKUP.sub("", text).replace("|", " ").split())


@dataclass(frozen=True)
class QueryTerms:
    """The question's content syllables and bigrams (folded), each weighted by its rarity in the index."""

    weights: dict[str, float]
    numbers: frozenset[str]
    accented: bool = True
    # Folded syllable -> as typed with its marks, for syllables typed with marks: "luong" -> "lương", which the
    # folded field cannot tell from "lượng" (chất lượng).
    marked: dict[str, str] = field(default_factory=dict)

    # The same question as typed, when writing out its abbreviations changed it: "GDP" is written "GDP" in the
    # resolution, not "tổng sản phẩm trong nước". A passage covers the question in either reading.
    typed: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, index: PassageSource, question: str) -> "QueryTerms":
        # The terms of the question with its abbreviations written out, as the encoder reads it: "BCĐ phải làm gì"
        # asks about "Ban Chỉ đạo", which documents spell out, and "BCĐ" alone would leave nothing covered.
        text = rewrite_query(question)
        weights, marked, accented = _weighted(index, text)
        typed = _weighted(index, question)[0] if text != question else {}
        if text != question:
            accented = index.analyzer.analyze(question).accented
        return cls(weights, frozenset(_NUMBER.findall(question)), accented, marked, typed)

    def coverage(self, tokens: set[str]) -> float:
        """Share of the question's term weight found in `tokens` (0 when the question has no content term), in
        the better of its two readings (abbreviations written out, or as typed)."""
        return max(_share(self.weights, tokens.__contains__), _share(self.typed, tokens.__contains__))

    def exact_coverage(self, folded: set[str], exact: set[str]) -> float:
        """`coverage`, where a syllable typed with its marks counts only when found with the same marks."""
        def found(t: str) -> bool:
            return self.marked[t] in exact if t in self.marked else t in folded

        return max(_share(self.weights, found), _share(self.typed, found))


def _share(weights: dict[str, float], found) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if found(t)) / total if total else 0.0


# A document's reference is no content to find in a sentence: "NQ ĐH 13", "Nghị quyết 57", "khóa XI" (the search
# already reads references; a passage of NQ 57 seldom repeats "57").
_REFERENCE_ABBREVIATIONS = frozenset({"nq", "kl", "ct", "qd", "tw", "dh", "kh", "nd", "cp", "bct"})
_REFERENCE_WORDS = ("nghi quyet", "ket luan", "dai hoi", "khoa", "chi thi", "ke hoach", "quyet dinh")
_ROMAN_OR_NUMBER = re.compile(r"^(\d+[\w/-]*|[ivxlc]+)$")
_PERIOD_WORDS = frozenset({"giai doan", "thoi ky"})
# A comparison's framing is no content either: no sentence of one document says "so sánh".
_FRAMING_WORDS = frozenset({"so sanh", "khac nhau", "giong nhau"})


def _weighted(index: PassageSource, text: str) -> tuple[dict[str, float], dict[str, str], bool]:
    analyzed = index.analyzer.analyze(text)
    sylls = index.analyzer.syllables(text)
    folded_sylls = [fold(s).lower() for s in sylls]
    periods = _period_words(folded_sylls) | _framing_words(folded_sylls)
    stop = [s in STOPWORDS_ACCENTED or (fold(s) == s and s in STOPWORDS) or f in _REFERENCE_ABBREVIATIONS
            or (_ROMAN_OR_NUMBER.match(f) is not None and n > 0 and (
                folded_sylls[n - 1] in _REFERENCE_ABBREVIATIONS
                or " ".join(folded_sylls[max(0, n - 2):n]).endswith(_REFERENCE_WORDS)))
            or n in periods for n, (s, f) in enumerate(zip(sylls, folded_sylls))]
    n_unigrams = len(sylls)
    unigrams = [t for t, is_stop in zip(analyzed.folded[:n_unigrams], stop) if not is_stop]
    bigrams = [t for i, t in enumerate(analyzed.folded[n_unigrams:]) if not (stop[i] or stop[i + 1])]
    # BM25's idf from the folded field; a term the index never saw gets the highest weight: a question about
    # something absent from every document should not look covered.
    weights = {t: index.idf(t) for t in unigrams}
    weights.update({t: 0.5 * index.idf(t) for t in bigrams})
    marked = {f: e for f, e, s, is_stop in zip(analyzed.folded, analyzed.exact, sylls, stop)
              if not is_stop and fold(s) != s}
    return weights, marked, analyzed.accented


def _period_words(folded_sylls: list[str]) -> set[int]:
    """Positions of "giai đoạn"/"thời kỳ" before a year: like "năm", they frame the years asked about (checked by
    `asks.year_fit`), which a text says as "5 năm 2021 - 2025" or "đến năm 2025", seldom "giai đoạn"."""
    out = set()
    for n in range(len(folded_sylls) - 2):
        if " ".join(folded_sylls[n:n + 2]) in _PERIOD_WORDS and _YEAR.fullmatch(folded_sylls[n + 2]):
            out |= {n, n + 1}
    return out


def _framing_words(folded_sylls: list[str]) -> set[int]:
    pairs = [n for n in range(len(folded_sylls) - 1) if " ".join(folded_sylls[n:n + 2]) in _FRAMING_WORDS]
    return {n for pair in pairs for n in (pair, pair + 1)}


def tokens_of(index: PassageSource, text: str) -> set[str]:
    return set(index.analyzer.analyze(plain(text)).folded)


def both_tokens_of(index: PassageSource, text: str) -> tuple[set[str], set[str]]:
    """Folded and exact tokens of `text`."""
    analyzed = index.analyzer.analyze(plain(text))
    return set(analyzed.folded), set(analyzed.exact)


def clause_coverage(index: PassageSource, terms: QueryTerms, sentence: str, scope: str = "") -> float:
    """The best share of the question's term weight in one clause of `sentence` (clauses split at ";"), where
    what scopes over every clause counts in each: the sentence's years ("Đến năm 2025, …; …") and `scope`, the
    lead-in of the list it belongs to. A question's words scattered over the clauses of a long sentence ("hiện
    đại hóa vũ khí …; … quản lý lực lượng vũ trang") are weaker evidence than the same words said together."""
    shared = tokens_of(index, " ".join((scope, *_YEAR.findall(sentence))))
    return max(terms.coverage(tokens_of(index, clause) | shared) for clause in sentence.split(";"))


def lead_in(text: str, start: int, reach: int = 2000) -> str:
    """The line that introduces the list the text at `start` belongs to ("Định hướng các chỉ tiêu chủ yếu … 5 năm
    2021 - 2025:"), or "". Read back line by line over the list's earlier items; a heading, a table row or
    `reach` characters end the search (a passage may begin after its list's lead-in, in the previous passage)."""
    lines = text[max(0, start - reach):start].split("\n")[:-1]  # the last is the text before `start` on its line
    for line in reversed([line.strip() for line in lines]):
        if not line:
            continue
        if line.endswith(":"):
            return plain(line)
        if line.startswith(("#", "|")) or not re.search(r"[.!?;…”\"]\W*$", line) and len(line.split()) < 30:
            return ""
    return ""


def dense_level(encoder_name: str, similarity: float) -> float | None:
    """Similarity mapped to [0, 1] with the encoder's measured scale; None for an encoder not measured."""
    scale = DENSE_SCALE.get(encoder_name)
    if scale is None:
        return None
    low, high = scale
    return min(1.0, max(0.0, (similarity - low) / (high - low)))


@dataclass
class Candidate:
    """A span of a document that could be quoted: a sentence of a hit's passage, or speech inside one."""

    hit: Hit
    start: int
    end: int
    text: str
    position: int = -1  # index among its passage's sentences (-1: not a whole sentence)
    speaker: str | None = None
    lexical: float = 0.0  # question-term coverage
    similarity: float = 0.0  # encoder cosine to the question
    relative: float = 0.0  # similarity rescaled to [0, 1] among the candidates of one question
    score: float = 0.0
    vector: np.ndarray | None = None

    @classmethod
    def of_sentence(cls, hit: Hit, sentence: Sentence, position: int) -> "Candidate":
        return cls(hit, sentence.char_start, sentence.char_end, sentence.text, position)


def encode(index: PassageSource, query: str, candidates: Sequence[Candidate], max_chars: int | None = None,
           terms: QueryTerms | None = None) -> None:
    """Set each candidate's similarity to `query` (the index's sentence encoder), its rank-free `relative` level and
    its vector; a text longer than `max_chars` is encoded as the window around the question's rarest term it holds."""
    if not candidates:
        return
    q = index.sentence_query_vector(query)
    vectors = index.sentence_vectors([_window(plain(c.text), max_chars, terms) for c in candidates])
    sims = vectors @ q
    lo, hi = float(sims.min()), float(sims.max())
    for c, sim, vec in zip(candidates, sims, vectors):
        c.similarity, c.vector = float(sim), vec
        c.relative = float((sim - lo) / (hi - lo)) if hi > lo else 1.0


def _window(text: str, max_chars: int | None, terms: QueryTerms | None) -> str:
    # "Về xã hội: Đến năm 2025, … tuổi thọ trung bình đạt khoảng 74,5 tuổi; …" holds its answer past the first
    # 300 characters: the encoder should read the part the question is about.
    if max_chars is None or len(text) <= max_chars:
        return text
    folded = fold(text).lower()
    start = 0
    if terms is not None and len(folded) == len(text):
        for term, _ in sorted(terms.weights.items(), key=lambda tw: -tw[1]):
            m = re.search(rf"\b{re.escape(term.replace('_', ' '))}\b", folded)
            if m:
                start = max(0, min(m.start() - max_chars // 3, len(text) - max_chars))
                break
    return text[start:start + max_chars]


def quote_of(index: PassageSource, hit: Hit, start: int | None = None, end: int | None = None,
             score: float | None = None, speaker: str | None = None) -> Quote:
    """The verbatim span [start, end) of the hit's document (the whole passage by default), cited."""
    start = hit.passage.char_start if start is None else start
    end = hit.passage.char_end if end is None else end
    text = index.document_text(hit.document.id)
    citation = cite(hit.document, hit.passage, Sentence(hit.passage.id, -1, "", start, end))
    return Quote(text[start:end], hit.document, citation, hit.passage.id, float(hit.score if score is None else score),
                 speaker, index.clean_text(hit.passage, start, end))
