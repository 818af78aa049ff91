"""`ask`: the sentences that answer a question, verbatim and cited; the best sentence labelled as low confidence
when the passages are on topic but the choice is uncertain; or an honest "not found".

No extractive-QA or reranker model ships offline, so a sentence is chosen from retrieval signals: its encoder
similarity to the question, how much of the question's rare vocabulary it shares, the rank of its passage, and
whether it addresses the question's specific asks (the year, the figure, the kind of answer: `qa.asks`). Whether
to answer is decided from the same evidence through a fitted probability (`qa.confidence`), not from one score.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from tracuu.qa.asks import (Asks, asks_of, figure_fit, is_document_number, kind_fit, mentioned, names_in,
                            without_framing, year_fit)
from tracuu.qa.confidence import Calibration, calibration
from tracuu.qa.evidence import (Candidate, QueryTerms, both_tokens_of, clause_coverage, dense_level, encode,
                                lead_in, plain, quote_of)
from tracuu.qa.source import PassageSource
from tracuu.results import Answer, Hit, Quote, Sentence
from tracuu.retrieval.copies import text_key
from tracuu.retrieval.references import DocumentNames
from tracuu.text.requests import split_request

NOT_FOUND = "Không tìm thấy thông tin đủ tin cậy"
LOW_CONFIDENCE = "Độ tin cậy thấp: câu gần nhất trong văn bản, cần đối chiếu"
PASSAGES = 5  # passages whose sentences are candidates
MAX_CANDIDATES = 12  # sentences encoded per question: ~0.5 s with an e5-small-sized encoder on 2 idle cores
ENCODE_CHARS = 300  # long table rows are cut for the similarity only (the quote stays whole)
UNSEEN_PROBE = "\x00"  # a term no index holds: its idf is the index's highest
# A question naming a place or body no retrieved passage mentions (its headings and title included) asks about
# something else than they say: "Thành ủy Hải Phòng" answered from Hà Nội's text at 0.70 (fresh n09). Not a fitted
# feature (too few such questions to fit): the probability is halved, below any answer_at the fit has chosen.
ABSENT_NAME = 0.5
# "Bộ trưởng Bộ Tài chính được giao nhiệm vụ gì": the sentence naming the minister's ministry, not the meeting's
# generic "Tổng Bí thư … chủ trì Phiên họp." that shares more of the question's other words.
NAMED = 0.2


@dataclass
class _Checked:
    """A candidate sentence with how it meets the question's asks."""

    c: Candidate
    year: float
    figure: float
    kind: float


@dataclass(frozen=True)
class Assessment:
    """The chosen sentences of one question and the evidence for them (also read by bench/fit_confidence.py)."""

    chosen: tuple[_Checked, ...]
    features: tuple[dict[str, float], ...]  # one per chosen sentence of a comparison, else one
    hits: tuple[Hit, ...]
    by_passage: dict[str, list[Sentence]]


def ask(index: PassageSource, question: str, k: int = PASSAGES, *, documents: Sequence[str] | None = None,
        filters: dict[str, str] | None = None, max_quotes: int = 2, include_commentary: bool = False) -> Answer:
    """Answer `question` with verbatim sentences from the top `k` passages, or say nothing reliable was found.
    Commentary and a page's introduction are not read unless `include_commentary` (Passage.official)."""
    a = assess(index, question, k, documents=documents, filters=filters, max_quotes=max_quotes,
               include_commentary=include_commentary)
    if a is None:
        return Answer(question, None, 0.0, (), NOT_FOUND, status="not_found")
    confidence, status = decide(a.features)
    if status == "not_found":
        closest = tuple(quote_of(index, h) for h in a.hits[:3])
        return Answer(question, None, confidence, closest, NOT_FOUND, status=status)
    quotes = quotes_of(index, a)
    message = LOW_CONFIDENCE if status == "low_confidence" else None
    return Answer(question, "\n\n".join(q.shown for q in quotes), confidence, quotes, message, status=status)


def decide(features: Sequence[dict[str, float]], cal: Calibration | None = None) -> tuple[float, str]:
    """The confidence (the probability that the answer is right; a comparison is as sure as its least sure side)
    and the status (a side naming a place or body no passage mentions: its probability times ABSENT_NAME):
    "answered" at or above `answer_at`; "low_confidence" above `low_at` when the passages are on
    topic and nothing the question names is contradicted; else "not_found"."""
    cal = cal or calibration()
    confidence = round(min(cal.probability(f) * (ABSENT_NAME if f.get("names", 1.0) < 1.0 else 1.0)
                           for f in features), 3)
    if confidence >= cal.answer_at:
        return confidence, "answered"
    if confidence >= cal.low_at and all(_on_topic(f) for f in features):
        return confidence, "low_confidence"
    return confidence, "not_found"


def quotes_of(index: PassageSource, a: Assessment) -> tuple[Quote, ...]:
    """The chosen sentences as cited quotes (each joined to the next when it only introduces it)."""
    return tuple(quote_of(index, x.c.hit, *_span(a.by_passage[x.c.hit.passage.id], x.c), score=x.c.score)
                 for x in a.chosen)


def _on_topic(f: dict[str, float]) -> bool:
    # The passages speak about the question, nothing it names is contradicted or missing (a year only in another
    # part, a name no passage holds), and the sentence holds the kind of thing asked: only the choice is unsure.
    return (f["year"] >= 0.8 and f["figure"] >= 0.3 and f["kind"] == 1.0 and f["unseen"] == 0.0
            and f["exact"] >= 0.5 and f["sentence"] >= 0.4 and f.get("names", 1.0) == 1.0)


def assess(index: PassageSource, question: str, k: int = PASSAGES, *, documents: Sequence[str] | None = None,
           filters: dict[str, str] | None = None, max_quotes: int = 2,
           include_commentary: bool = False) -> Assessment | None:
    # "tìm câu hay về …": the evidence is weighed against the theme; the request's words are in no sentence.
    question = split_request(question)[1]
    asks = asks_of(question)
    sides = _sides(index, question, documents) if asks.comparison else []
    official = not include_commentary
    named = [n for n in names_in(question) if not is_document_number(n)]
    groups = [_hits(index, question, k, named, documents=side, filters=filters, official_only=official)
              for side in sides] \
        or [_hits(index, question, k, named, documents=documents, filters=filters, official_only=official)]
    hits = list({h.passage.id: h for group in groups for h in group}.values())
    if not hits:
        return None
    terms = QueryTerms.of(index, question)
    by_passage = {h.passage.id: index.sentences(h.passage) for h in hits}
    # A comparison's sides are each said by one document: the encoder reads what is compared, not "so sánh".
    topic = without_framing(question) if asks.comparison else question
    checked = [_checked(index, topic, group, by_passage, terms, asks) for group in groups if group]
    if len(checked) > 1:  # one sentence from each side compared
        chosen = [max(side, key=lambda x: x.c.score) for side in checked]
    else:
        ranked = sorted(checked[0], key=lambda x: -x.c.score)
        chosen = _per_document(ranked) if asks.comparison else _chosen(ranked, max_quotes)
    # Term evidence of a passage includes its document's title, its headings ("Đại hội XIII", "Đến năm 2030") and
    # the lead-in of the list it continues ("Định hướng các chỉ tiêu chủ yếu … 5 năm 2021 - 2025:").
    passages = [both_tokens_of(index, " ".join((h.document.title, *h.passage.section,
                                                lead_in(index.document_text(h.document.id), h.passage.char_start),
                                                h.passage.text)))
                for h in hits]
    covered = max(terms.coverage(folded) for folded, _ in passages)
    exact = max(terms.exact_coverage(folded, exact) for folded, exact in passages)
    unseen = _unseen_share(index, terms)
    # A comparison is as sure as its least sure side (a side not found: no evidence); otherwise the first
    # sentence carries the answer.
    features = tuple(_features(index, terms, x, covered, exact, unseen) for x in chosen[:2 if asks.comparison else 1])
    named = names_in(question)
    if named:  # "Đà Nẵng", "Bộ Y tế": a place, person or body the top passages never mention
        text = " ".join(" ".join((h.document.title, *h.passage.section, h.passage.text)) for h in hits)
        features = tuple(f | {"names": float(all(mentioned(n, text) for n in named))} for f in features)
    if asks.comparison and len(features) < 2:
        features += (dict.fromkeys(features[0], 0.0),)
    return Assessment(tuple(chosen), features, tuple(hits), by_passage)


def _hits(index: PassageSource, question: str, k: int, named: list[str], **options) -> list[Hit]:
    """The top `k` passages, and below them (to twice `k`) those whose headings name a body or place the question
    names: Kế hoạch 3260 gives each committee's tasks under its own heading, and the item listing "Ủy ban Kinh tế"'s
    laws ranks 6th for "Ủy ban Kinh tế … thẩm tra những luật nào" (BM25 reads the passage, not its heading)."""
    if not named:
        return index.search(question, k, **options)
    hits = index.search(question, 2 * k, **options)
    return hits[:k] + [h for h in hits[k:] if h.passage.section and any(mentioned(n, h.passage.section[-1])
                                                                         for n in named)]


def _sides(index: PassageSource, question: str, documents: Sequence[str] | None) -> list[list[str]]:
    """The documents on each side of "so sánh … A và B": those the side names ("Nghị quyết 57"), or, for a side
    that names none the index knows, every other document. Empty when neither side names a document."""
    parts = re.split(r"\s+(?:và|với|va|voi)\s+", question)
    if len(parts) < 2:
        return []
    everything = [d.id for d in index.documents()] if documents is None else list(documents)
    names = DocumentNames({d.id: d for d in index.documents()})
    left, right = (set(names.find(_SHORT_TYPES.sub(_spell, p)).documents) & set(everything)
                   for p in (" và ".join(parts[:-1]), parts[-1]))
    if not left and not right:
        return []
    return [sorted(left) or [i for i in everything if i not in right],
            sorted(right - left) or [i for i in everything if i not in left]]


# People write "NQ 57", "KL 69": the names documents are found by spell the type out.
_SHORT_TYPES = re.compile(r"\b(NQ|KL|CT|QĐ)\s*(?=\d)")
_TYPE_NAMES = {"NQ": "Nghị quyết ", "KL": "Kết luận ", "CT": "Chỉ thị ", "QĐ": "Quyết định "}


def _spell(m: re.Match) -> str:
    return _TYPE_NAMES[m.group(1)]


def _checked(index: PassageSource, question: str, hits: list[Hit], by_passage: dict[str, list[Sentence]],
             terms: QueryTerms, asks: Asks) -> list[_Checked]:
    out, leads = [], {}
    for hit in hits:
        doc = index.document_text(hit.document.id)
        for position, sentence in enumerate(by_passage[hit.passage.id]):
            c = Candidate.of_sentence(hit, sentence, position)
            leads[id(c)] = lead_in(doc, c.start)
            c.lexical = clause_coverage(index, terms, c.text, leads[id(c)])
            out.append(c)
    if len(out) > MAX_CANDIDATES:
        # Keep each passage's best sentences first, so a long top passage cannot crowd out the others.
        out.sort(key=lambda c: -(c.lexical + 0.3 / c.hit.rank))
        out = out[:MAX_CANDIDATES]
    encode(index, question, out, ENCODE_CHARS, terms)
    # Dense encoders collapse on questions typed without diacritics: trust the terms more there.
    dense_weight = 0.45 if terms.accented else 0.15
    named = names_in(question)
    checked = []
    for c in out:
        doc = index.document_text(c.hit.document.id)
        before = " ".join((*c.hit.passage.section, leads[id(c)], doc[c.hit.passage.char_start:c.start]))
        headed = " ".join((c.hit.document.title, *c.hit.passage.section))
        # A stub is quoted joined to what follows it ("Số 3260-KH/ĐĐQH15" + "Hà Nội, ngày 10 tháng 01 năm 2025"):
        # whether it holds the kind of thing asked is read in what will be shown.
        shown = doc[c.start:_span(by_passage[c.hit.passage.id], c)[1]] if c.position >= 0 else c.text
        x = _Checked(c, year_fit(asks, c.text, before, leads[id(c)]),
                     figure_fit(asks, c.text, c.hit.passage.text, headed), kind_fit(asks, plain(shown)))
        c.score = (dense_weight * c.relative + 0.4 * c.lexical + 0.1 / c.hit.rank + 0.25 * x.kind
                   + NAMED * _named_share(named, c.text, f"{headed} {leads[id(c)]}")
                   - 0.3 * (1 - x.year) - 0.3 * (1 - x.figure)
                   - 0.15 * _looks_like_heading(c.text) - 0.05 * c.text.rstrip().endswith(":"))
        checked.append(x)
    return checked


def _named_share(named: list[str], sentence: str, context: str) -> float:
    """Share of what the question names that the sentence names: a body, place or person also when its document's
    title or its headings do (the Hà Nội article speaks of Hà Nội throughout; Kế hoạch 3260 names the body above
    its list), a document's number only in the sentence itself (where a document states its own date)."""
    if not named:
        return 0.0
    return sum(mentioned(n, sentence) or (not is_document_number(n) and mentioned(n, context))
               for n in named) / len(named)


def _chosen(ranked: list[_Checked], max_quotes: int) -> list[_Checked]:
    best = ranked[0]
    chosen = [best]
    for x in ranked[1:]:
        # A second sentence only when nearly as good, from another passage, and not the same words again
        # (NQ 57-NQ/TW is in the corpus twice).
        if len(chosen) < max_quotes and x.c.score >= 0.9 * best.c.score and _new(x, chosen):
            chosen.append(x)
    return chosen


def _per_document(ranked: list[_Checked]) -> list[_Checked]:
    """A comparison answers per document: the best sentence of each of the two best documents (a copy of the same
    words in another file is not a second document)."""
    chosen: list[_Checked] = []
    for x in ranked:
        if all(x.c.hit.document.id != y.c.hit.document.id for y in chosen) and _new(x, chosen):
            chosen.append(x)
        if len(chosen) == 2:
            break
    return chosen


def _new(x: _Checked, chosen: list[_Checked]) -> bool:
    return all(x.c.hit.passage.id != y.c.hit.passage.id and text_key(x.c.text) != text_key(y.c.text)
               for y in chosen)


def _unseen_share(index: PassageSource, terms: QueryTerms) -> float:
    """Share of the question's single-word weight on words no document holds: "lương" in a corpus without it."""
    top = index.idf(UNSEEN_PROBE)
    unigrams = {t: w for t, w in terms.weights.items() if " " not in t and "_" not in t}
    total = sum(unigrams.values())
    return sum(w for t, w in unigrams.items() if w >= top - 1e-9) / total if total else 0.0


def _features(index: PassageSource, terms: QueryTerms, x: _Checked, covered: float, exact: float,
              unseen: float) -> dict:
    coverage = max(covered, x.c.lexical)
    level = dense_level(index.sentence_encoder.name, x.c.similarity) if terms.accented else None
    return {"coverage": coverage, "exact": exact, "sentence": x.c.lexical,
            "dense": coverage if level is None else level, "year": x.year, "figure": x.figure, "kind": x.kind,
            "unseen": unseen, "accented": float(terms.accented)}


def _looks_like_heading(text: str) -> bool:
    """A title, a heading or a stub: a few words, or a line without final punctuation and without a verb-like
    length (table rows are kept: they end without a full stop but carry their answer)."""
    words = plain(text).split()
    if len(words) < 5:
        return True
    return "|" not in text and len(words) < 30 and not re.search(r"[.!?;:…”\"]\W*$", text.strip())


def _span(sentences: list[Sentence], c: Candidate) -> tuple[int, int]:
    """The sentence, joined to the next one when it only introduces it ("… các nội dung sau:") or is a stub."""
    last = sentences[c.position]
    for nxt in sentences[c.position + 1:c.position + 3]:
        if not (last.text.rstrip().endswith(":") or len(plain(last.text).split()) < 6):
            break
        last = nxt
    return c.start, last.char_end
