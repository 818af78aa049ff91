"""Where a query is analyzed: diacritic restoration, expansions, and the tokens each retriever sees."""
from __future__ import annotations

from dataclasses import dataclass

from typing import Callable, Iterable, Mapping, Sequence

from tracuu.text import abbreviations
from tracuu.text import numerals
from tracuu.text.thesaurus import Synonym, Thesaurus, expansion_tokens
from tracuu.text.analyzer import Analyzed, Analyzer, fold
from tracuu.text.diacritics import DiacriticRestorer
from tracuu.text import shorthand
from tracuu.text.requests import split_request

# Share of syllables typed without any mark above which a query is taken as typed without diacritics.
# Ordinary accented Vietnamese leaves about a quarter of its syllables unmarked (và has a mark; ban, cho, tin don't).
UNACCENTED_SHARE = 0.6


@dataclass(frozen=True)
class QueryPlan:
    """What search does with a query; `restored` is what the dense encoder reads when the user typed no accents."""

    original: str
    restored: str | None
    lexical: Analyzed  # folded tokens of what was typed; exact tokens of what was typed or restored
    exact_weight: float  # how much the exact field counts (less when its tokens come from a restoration)
    accented: bool  # what the fusion should trust: typed accents, or none
    expansions: tuple[str, ...] = ()  # abbreviations both ways, congress/term numbers in other notations
    expansion_tokens: Analyzed | None = None  # their tokens that the query itself does not have
    dense_text: str = ""  # what the encoder reads: restored, with abbreviations written out
    synonyms: tuple[Synonym, ...] = ()  # thesaurus: the query's everyday words and the documents' terms for them
    synonym_tokens: Analyzed | None = None  # BM25 tokens of those terms that the query does not have
    synonym_weight: float = 0.0  # below 1: an added term never counts as much as a typed one
    request: str = ""  # "tìm câu hay về": asks for a kind of result; left out of what both retrievers read

    def to_dict(self) -> dict:
        return {"original": self.original, "request": self.request, "restored": self.restored,
                "accented": self.accented,
                "expansions": list(self.expansions), "synonyms": [s.to_dict() for s in self.synonyms],
                "dense_text": self.dense_text}


def typed_without_diacritics(analyzer: Analyzer, query: str) -> bool:
    sylls = [s for s in analyzer.syllables(query) if s.isalpha()]
    if not sylls:
        return False
    unmarked = sum(1 for s in sylls if fold(s) == s)
    return unmarked / len(sylls) > UNACCENTED_SHARE


def plan_query(query: str, analyzer: Analyzer, restorer: DiacriticRestorer | None, *,
               exact_weight: float, restored_exact_weight: float,
               learned: Mapping[str, Iterable[str]] | None = None, thesaurus: Thesaurus | None = None,
               synonym_weight: float = 0.0, dense_synonyms: bool = False,
               idf: Callable[[str], float] | None = None) -> QueryPlan:
    original = query
    request, query = split_request(query)
    # "cỡ bn", "có dc ko": every reader below sees the words, spelled the way the rest of the query is typed.
    query = shorthand.write_out(query, accented=not typed_without_diacritics(analyzer, query))
    typed = analyzer.analyze(query)
    restored = None
    lexical, weight, accented = typed, exact_weight, typed.accented
    if restorer is not None and typed_without_diacritics(analyzer, query):
        guess_text = restorer.restore(query)
        if guess_text != query:
            restored = guess_text
            guess = analyzer.analyze(guess_text)
            # Folded tokens stay those typed (a wrong restoration cannot lose a match); exact ones are the guess's.
            lexical, weight, accented = Analyzed(guess.exact, typed.folded, True), restored_exact_weight, False
    expansions = tuple(abbreviations.expand_query(query, learned) + numerals.expand_query(query))
    extra = None
    if expansions:
        # Accented expansions of an unaccented query would switch on exact-field scoring for words nobody typed.
        joined = " ".join(expansions if typed.accented else [fold(e) for e in expansions])
        got = analyzer.analyze(joined)
        have_exact, have_folded = set(lexical.exact), set(lexical.folded)
        extra = Analyzed([t for t in got.exact if t not in have_exact],
                         [t for t in got.folded if t not in have_folded], typed.accented)
    synonyms: tuple[Synonym, ...] = ()
    synonym_tokens = None
    if thesaurus is not None and synonym_weight > 0:
        # What was typed decides the table: accents typed match accented forms, none typed match folded ones.
        synonyms = thesaurus.find(query, typed.accented)
        have = Analyzed(lexical.exact + (extra.exact if extra else []), lexical.folded + (extra.folded if extra else []),
                        typed.accented)
        synonym_tokens = expansion_tokens(synonyms, analyzer, have, typed.accented)
    # e5 reads words far better than initials: the encoder gets abbreviations (and "ĐH13") written out.
    dense = numerals.write_out(abbreviations.rewrite_query(restored or query))
    terms = dense_terms(synonyms, analyzer, idf) if dense_synonyms else []
    if terms:
        dense = f"{dense} ({'; '.join(terms)})"
    return QueryPlan(original, restored, lexical, weight, accented, expansions, extra, dense, synonyms, synonym_tokens,
                     synonym_weight if synonym_tokens is not None else 0.0, request)


def dense_terms(synonyms: Sequence[Synonym], analyzer: Analyzer, idf: Callable[[str], float] | None) -> list[str]:
    """The thesaurus terms the encoder reads after the query (`synonyms_in_dense`): for each phrase found, the first
    alternative written in words (not initials) that is commoner in these documents than what was typed (`idf`: the
    index's; without one, the first in words). Several typed phrases can lead to one term: it is said once.

    A term is there to bridge the user's words to the documents'. Where the typed phrase already is the
    documents' word ("điện ảnh" over the law on cinema -> "công nghiệp văn hóa"; "ma túy" -> "tệ nạn ma túy") the
    term only pulls the vector aside and costs encoding time, and e5 reads initials ("ubnd") worse than words. Measured
    against always the first alternative (bench/README.md, session 11): party-paraphrase-dev MRR@10 0.578 / 0.517
    -> 0.585 / 0.534, party-dev the same, ALQAC train queries carrying a term 34 -> 2 of 100."""
    terms: dict[str, None] = {}
    for synonym in synonyms:
        typed = _rarity(synonym.typed, analyzer, idf)
        for term in synonym.alternatives:
            if any(abbreviations.is_initials(w) for w in analyzer.syllables(term)):
                continue
            if idf is None or _rarity(term, analyzer, idf) < typed:
                terms[term] = None
                break
    return list(terms)


def _rarity(phrase: str, analyzer: Analyzer, idf: Callable[[str], float] | None) -> float:
    """How rare a phrase is in the index: the idf of its rarest pair of words (of its word, if it has one)."""
    if idf is None:
        return 0.0
    tokens = analyzer.analyze(phrase).folded
    return max((idf(t) for t in [t for t in tokens if "_" in t] or tokens), default=0.0)
