"""`ask`: the sentences that answer a question, verbatim and cited, or an honest "not found".

No extractive-QA or reranker model ships offline (MODELS.md), so a sentence is chosen from retrieval signals only:
its encoder similarity to the question, how much of the question's rare vocabulary and numbers it shares, the rank
of its passage, and a few cues of the question's kind (how many, when, who). The same signals, measured on the best
passages, decide whether to answer at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from tracuu.text.abbreviations import rewrite_query
from tracuu.text.analyzer import fold
from tracuu.citation import cite
from tracuu.retrieval.copies import text_key
from tracuu.qa.source import PassageSource
from tracuu.results import Answer, Hit, Quote, Sentence


NOT_FOUND = "Không tìm thấy thông tin đủ tin cậy"
PASSAGES = 5  # passages whose sentences are candidates
MAX_CANDIDATES = 12  # sentences encoded per question: ~0.5 s with e5-small on 2 idle cores
ENCODE_CHARS = 300  # long table rows are cut for the similarity only (the quote stays whole)

# Absolute similarity levels of known encoders: below `low` a sentence is unrelated, above `high` it is on topic.
# Calibrated on party-dev answerable questions against party-dev d16 and the no-answer questions of
# bench/answers.py (answerable best sentences: 0.874-0.926; unanswerable: 0.818-0.899, most under 0.86).
# Unknown encoders, and questions typed without diacritics (where e5 collapses), use the terms only.
DENSE_SCALE = {"e5-small": (0.84, 0.90), "st:intfloat/multilingual-e5-small": (0.84, 0.90)}
ANSWER_FLOOR = 0.55  # below this confidence the answer is withheld
NUMBER_MISSING = 0.75  # confidence factor when none of the question's numbers is in the chosen passage
TERMS_ONLY = (0.10, 0.55)  # term coverage mapped to [0, 1] when the encoder's scale is unknown

# Question words and function words carry no evidence (folded, since questions are often typed without accents).
STOPWORDS_ACCENTED = frozenset(w for w in """
    của và các là có được những cho trong với về theo đến từ tại ra vào để này đó thì mà như một
    gì nào ai đâu sao bao nhiêu mấy không hay hoặc nhé ạ thế làm phải cần nên đã đang sẽ
    năm ngày tháng nay hôm mới nhất hiện người
    """.split())
# Folded, they would also drop content words (bảo -> bao, Nam -> năm, ma túy -> mà): only for syllables typed
# without any mark.
STOPWORDS = frozenset(fold(w) for w in STOPWORDS_ACCENTED)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MARKUP = re.compile(r"[\\*_#]+")
_CUES = {
    "quantity": re.compile(r"\b(bao nhieu|may|ty le|ti le|phan tram|muc|chi tieu)\b"),
    "time": re.compile(r"\b(khi nao|bao gio|ngay nao|nam nao|thang nao|luc nao|thoi han)\b"),
    "person": re.compile(r"(^|\s)(ai|nguoi nao)(\s|$)"),
}
_CUE_FOUND = {
    "quantity": re.compile(r"\d"),
    "time": re.compile(r"\b(19|20)\d\d\b|\d{1,2}/\d{1,2}|ngày \d"),
    "person": re.compile(r"(Tổng Bí thư|Thủ tướng|Chủ tịch|Bộ trưởng|Trưởng ban|Bí thư)\s+\w"),
}


def plain(text: str) -> str:
    """Text without Markdown debris and with one space: for matching and encoding, never for display."""
    return " ".join(_MARKUP.sub("", text).replace("|", " ").split())


@dataclass(frozen=True)
class QueryTerms:
    """The question's content syllables and bigrams (folded), each weighted by its rarity in the index."""

    weights: dict[str, float]
    numbers: frozenset[str]
    cue: str | None
    accented: bool = True

    @classmethod
    def of(cls, index: PassageSource, question: str) -> "QueryTerms":
        # The terms of the question with its abbreviations written out, as the encoder reads it: "BCĐ phải làm gì"
        # asks about "Ban Chỉ đạo", which documents spell out, and "BCĐ" alone would leave nothing covered.
        text = rewrite_query(question)
        analyzed = index.analyzer.analyze(text)
        sylls = index.analyzer.syllables(text)
        stop = [s in STOPWORDS_ACCENTED or (fold(s) == s and s in STOPWORDS) for s in sylls]
        n_unigrams = len(sylls)
        unigrams = [t for t, is_stop in zip(analyzed.folded[:n_unigrams], stop) if not is_stop]
        bigrams = [t for i, t in enumerate(analyzed.folded[n_unigrams:]) if not (stop[i] or stop[i + 1])]
        rarity = _rarity(index)
        weights = {t: rarity(t) for t in unigrams}
        weights.update({t: 0.5 * rarity(t) for t in bigrams})
        folded = fold(question).lower()
        cue = next((name for name, rx in _CUES.items() if rx.search(folded)), None)
        accented = analyzed.accented if text == question else index.analyzer.analyze(question).accented
        return cls(weights, frozenset(_NUMBER.findall(question)), cue, accented)

    def coverage(self, tokens: set[str]) -> float:
        """Share of the question's term weight found in `tokens` (0 when the question has no content term)."""
        total = sum(self.weights.values())
        return sum(w for t, w in self.weights.items() if t in tokens) / total if total else 0.0

    def cue_met(self, text: str) -> bool:
        return bool(self.cue and _CUE_FOUND[self.cue].search(text))


def _rarity(index: PassageSource):
    # BM25's idf from the folded field; a term the index never saw gets the highest weight: a question about
    # something absent from every document should not look covered.
    return index.idf


def tokens_of(index: PassageSource, text: str) -> set[str]:
    return set(index.analyzer.analyze(plain(text)).folded)


def dense_level(encoder_name: str, similarity: float) -> float | None:
    """Similarity mapped to [0, 1] with the encoder's measured scale; None for an encoder not measured."""
    scale = DENSE_SCALE.get(encoder_name)
    if scale is None:
        return None
    low, high = scale
    return min(1.0, max(0.0, (similarity - low) / (high - low)))


@dataclass
class _Candidate:
    hit: Hit
    sentence: Sentence
    position: int  # index among its passage's sentences
    lexical: float = 0.0
    similarity: float = 0.0
    score: float = 0.0


def ask(index: PassageSource, question: str, k: int = PASSAGES, *, documents: Sequence[str] | None = None,
        filters: dict[str, str] | None = None, max_quotes: int = 2, include_commentary: bool = False) -> Answer:
    """Answer `question` with verbatim sentences from the top `k` passages, or say nothing reliable was found.
    Commentary and a page's introduction are not read unless `include_commentary` (Passage.official)."""
    hits = index.search(question, k, documents=documents, filters=filters, official_only=not include_commentary)
    if not hits:
        return Answer(question, None, 0.0, (), NOT_FOUND)
    terms = QueryTerms.of(index, question)
    by_passage = {h.passage.id: index.sentences(h.passage) for h in hits}
    candidates = _candidates(index, hits, by_passage, terms)
    _score(index, question, candidates, terms)
    best = max(candidates, key=lambda c: c.score)
    confidence = _confidence(index, hits, best, terms)
    if confidence < ANSWER_FLOOR:
        closest = tuple(_quote(index, h, None) for h in hits[:3])
        return Answer(question, None, confidence, closest, NOT_FOUND)
    chosen = [best]
    for c in sorted(candidates, key=lambda c: -c.score):
        # A second sentence only when nearly as good, from another passage, and not the same words again
        # (NQ 57-NQ/TW is in the corpus twice).
        if len(chosen) < max_quotes and c.score >= 0.9 * best.score and \
                all(c.hit.passage.id != x.hit.passage.id
                    and text_key(c.sentence.text) != text_key(x.sentence.text) for x in chosen):
            chosen.append(c)
    quotes = tuple(_quote(index, c.hit, _span(by_passage[c.hit.passage.id], c.position), c.score) for c in chosen)
    return Answer(question, "\n\n".join(q.shown for q in quotes), confidence, quotes)


def _candidates(index: PassageSource, hits: list[Hit], by_passage: dict[str, list[Sentence]],
                terms: QueryTerms) -> list[_Candidate]:
    out = []
    for hit in hits:
        for position, sentence in enumerate(by_passage[hit.passage.id]):
            c = _Candidate(hit, sentence, position)
            c.lexical = terms.coverage(tokens_of(index, sentence.text))
            out.append(c)
    if len(out) > MAX_CANDIDATES:
        # Keep each passage's best sentences first, so a long top passage cannot crowd out the others.
        out.sort(key=lambda c: -(c.lexical + 0.3 / c.hit.rank))
        out = out[:MAX_CANDIDATES]
    return out


def _score(index: PassageSource, question: str, candidates: list[_Candidate], terms: QueryTerms) -> None:
    query = index.query_vector(question)
    vectors = index.text_vectors([plain(c.sentence.text)[:ENCODE_CHARS] for c in candidates])
    sims = vectors @ query
    lo, hi = float(sims.min()), float(sims.max())
    # Dense encoders collapse on questions typed without diacritics (MODELS.md): trust the terms more there.
    dense_weight = 0.45 if terms.accented else 0.15
    for c, sim in zip(candidates, sims):
        c.similarity = float(sim)
        relative = (sim - lo) / (hi - lo) if hi > lo else 1.0
        c.score = (dense_weight * relative + 0.4 * c.lexical + 0.1 / c.hit.rank
                   + 0.15 * terms.cue_met(c.sentence.text) - 0.15 * _looks_like_heading(c.sentence.text)
                   - 0.05 * c.sentence.text.rstrip().endswith(":"))


def _looks_like_heading(text: str) -> bool:
    """A title, a heading or a stub: a few words, or a line without final punctuation and without a verb-like
    length (table rows are kept: they end without a full stop but carry their answer)."""
    words = plain(text).split()
    if len(words) < 5:
        return True
    return "|" not in text and len(words) < 30 and not re.search(r"[.!?;:…”\"]\W*$", text.strip())


def _confidence(index: PassageSource, hits: list[Hit], best: _Candidate, terms: QueryTerms) -> float:
    """How sure we are that the passages speak about the question at all, in [0, 1]."""
    # Term evidence: the best passage-level coverage (headings count: "Đến năm 2030" above a target).
    covered = max(terms.coverage(tokens_of(index, " ".join((*h.passage.section, h.passage.text))))
                  for h in hits)
    lexical = max(covered, best.lexical)
    level = dense_level(index.encoder.name, best.similarity) if terms.accented else None
    if level is None:
        low, high = TERMS_ONLY
        confidence = min(1.0, max(0.0, (lexical - low) / (high - low)))
    else:
        confidence = min(1.0, 0.5 * lexical + 0.5 * level + 0.25 * lexical * level)
    # A question that names a year or figure ("năm 2026") is not answered by a passage that never mentions it.
    if terms.numbers and not any(n in best.hit.passage.text for n in terms.numbers):
        confidence *= NUMBER_MISSING
    return round(confidence, 3)


def _span(sentences: list[Sentence], position: int) -> Sentence:
    """The sentence, joined to the next one when it only introduces it ("… các nội dung sau:") or is a stub."""
    first = sentences[position]
    last = first
    for nxt in sentences[position + 1:position + 3]:
        if not (last.text.rstrip().endswith(":") or len(plain(last.text).split()) < 6):
            break
        last = nxt
    if last is first:
        return first
    return Sentence(first.passage_id, first.ordinal, "", first.char_start, last.char_end)


def _quote(index: PassageSource, hit: Hit, sentence: Sentence | None, score: float | None = None) -> Quote:
    text = index.document_text(hit.document.id)
    if sentence is None:
        start, end = hit.passage.char_start, hit.passage.char_end
        sentence = Sentence(hit.passage.id, -1, "", start, end)
    citation = cite(hit.document, hit.passage, sentence)
    return Quote(text[sentence.char_start:sentence.char_end], hit.document, citation, hit.passage.id,
                 float(hit.score if score is None else score),
                 clean=index.clean_text(hit.passage, sentence.char_start, sentence.char_end))

