"""The words people use <-> the words Party and State documents use (issue 14): "người tài" is "nhân tài", "bà con"
is "nhân dân", "chích ngừa" is "tiêm chủng", "smartphone" is "thiết bị di động thông minh".

A query's phrases found here add the other forms to its BM25 terms at a weight below the typed words
(`FusionConfig.synonym_weight`), so an expansion can bring a passage into reach but never outrank one that has
what was typed. The bundled list is `data/thesaurus.txt`; a user's own file in the same format is added at build
(`tracuu build --thesaurus FILE`) and saved in the index's analyzer settings, so every face reads it the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

from tracuu.errors import InputFileError
from tracuu.text.analyzer import Analyzer, Analyzed

# Analyzer settings key under which a build stores the user's own rules (their lines, verbatim).
USER_RULES_KEY = "thesaurus"
BUNDLED = "data/thesaurus.txt"
QUESTIONS = "data/questions.txt"
EVERYDAY = "data/everyday.txt"
WORDS = "data/words.txt"
MAX_PHRASE_SYLLABLES = 12
_UNIGRAMS = Analyzer(bigrams=False)


@dataclass(frozen=True)
class Synonym:
    """A phrase of the query and the forms the thesaurus adds for it."""

    typed: str
    alternatives: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"typed": self.typed, "alternatives": list(self.alternatives)}


def _keys(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Exact (accents kept, tone placement free) and folded syllable keys of a phrase, as the BM25 fields see it."""
    got = _UNIGRAMS.analyze(phrase)
    return tuple(got.exact), tuple(got.folded)


def parse_rules(lines: Iterable[str], source: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(phrases that trigger, phrases added) per rule; `a, b, c` is a group (each adds the others), `a => b, c` one
    way. Raises InputFileError naming the line when a rule cannot be read."""
    rules = []
    for n, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if line.count("=>") > 1:
            raise InputFileError(source, n, "một quy tắc có hơn một dấu '=>'", fix="viết dạng `a, b => c, d`")
        left, _, right = line.partition("=>")
        lhs = tuple(p.strip() for p in left.split(",") if p.strip())
        rhs = tuple(p.strip() for p in right.split(",") if p.strip())
        if "=>" in line and not (lhs and rhs):
            raise InputFileError(source, n, "quy tắc một chiều cần có cụm từ ở cả hai bên '=>'",
                                 fix="viết dạng `người tài => nhân tài`")
        if "=>" not in line and len(lhs) < 2:
            raise InputFileError(source, n, "một nhóm cần ít nhất hai cụm từ, cách nhau bằng dấu phẩy",
                                 fix="viết dạng `người tài, nhân tài`, hoặc `người tài => nhân tài` cho một chiều")
        for phrase in lhs + rhs:
            if not _keys(phrase)[0]:
                raise InputFileError(source, n, f"{phrase!r} không có từ nào", fix="bỏ nó khỏi quy tắc")
            if len(_keys(phrase)[0]) > MAX_PHRASE_SYLLABLES:
                raise InputFileError(source, n, f"{phrase!r} dài hơn {MAX_PHRASE_SYLLABLES} âm tiết",
                                     fix="rút gọn còn những từ người dùng hay gõ")
        rules.append((lhs, rhs) if rhs else (lhs, lhs))
    return rules


class Thesaurus:
    """Phrase tables keyed by exact and by folded syllables: an accented query matches the exact forms (so "bà con"
    is not "ba con"), a query typed without diacritics matches the folded ones."""

    def __init__(self, rules: Sequence[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        self.size = len(rules)
        self._exact: dict[tuple[str, ...], dict[str, None]] = {}
        self._folded: dict[tuple[str, ...], dict[str, None]] = {}
        for triggers, added in rules:
            for phrase in triggers:
                exact, folded = _keys(phrase)
                others = [a for a in added if _keys(a)[0] != exact]
                for table, key in ((self._exact, exact), (self._folded, folded)):
                    table.setdefault(key, {}).update(dict.fromkeys(others))
        self._longest = max((len(k) for k in self._folded), default=0)

    def find(self, query: str, accented: bool) -> tuple[Synonym, ...]:
        """The query's phrases in the table, longest first from left to right, without overlaps."""
        sylls = _UNIGRAMS.syllables(query)
        got = _UNIGRAMS.analyze(query)
        keys, table = (got.exact, self._exact) if accented else (got.folded, self._folded)
        found, i = [], 0
        while i < len(keys):
            for n in range(min(self._longest, len(keys) - i), 0, -1):
                alternatives = table.get(tuple(keys[i:i + n]))
                if alternatives:
                    found.append(Synonym(" ".join(sylls[i:i + n]), tuple(alternatives)))
                    i += n
                    break
            else:
                i += 1
        return tuple(found)


def expansion_tokens(synonyms: Sequence[Synonym], analyzer: Analyzer, have: Analyzed,
                     accented: bool) -> Analyzed | None:
    """BM25 tokens of the added forms that the query does not have. A phrase counts by its word pairs (bigrams),
    so "nhân dân" adds nhan_dan and not every passage with "dân"; a one-syllable form counts as itself."""
    exact: dict[str, None] = {}
    folded: dict[str, None] = {}
    for synonym in synonyms:
        for phrase in synonym.alternatives:
            got = analyzer.analyze(phrase)
            pairs = [t for t in got.folded if "_" in t] or got.folded
            folded.update(dict.fromkeys(t for t in pairs if t not in have.folded))
            if accented:
                pairs = [t for t in got.exact if "_" in t] or got.exact
                exact.update(dict.fromkeys(t for t in pairs if t not in have.exact))
    if not exact and not folded:
        return None
    return Analyzed(list(exact), list(folded), accented)


def read_user_file(path: str | Path) -> list[str]:
    """A user's thesaurus file, checked rule by rule; its lines are what the index stores."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(str(path), None, f"không đọc được: {exc}",
                             fix="đưa một tệp văn bản UTF-8 chứa quy tắc đồng nghĩa (`a, b` hoặc `a => b`, "
                                 "mỗi dòng một quy tắc)") from exc
    parse_rules(lines, str(path))
    return lines


def bundled_lines() -> list[str]:
    return resources.files("tracuu.text").joinpath(BUNDLED).read_text(encoding="utf-8").splitlines()


def _text_lines(name: str) -> tuple[str, ...]:
    """The lines of a bundled text file for the restorer, blank lines and `#` comments left out."""
    text = resources.files("tracuu.text").joinpath(name).read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def question_texts() -> tuple[str, ...]:
    """Questions in people's words (data/questions.txt, training/make_questions.py): phrasing for the restorer."""
    return _text_lines(QUESTIONS)


@lru_cache(maxsize=1)
def everyday_texts() -> tuple[str, ...]:
    """Everyday phrases and short sentences about public life (data/everyday.txt, written by hand): the neighbours
    of spoken words ("khấm khá", "leo thang", "hóc búa", "cầm trịch") for the restorer."""
    return _text_lines(EVERYDAY)


@lru_cache(maxsize=1)
def words_texts() -> tuple[str, ...]:
    """Common words and fixed expressions of 2-4 syllables (data/words.txt, written by hand): general vocabulary the
    documents may never hold ("nhân cách", "sinh động", "tung ra", "đề bài", "mấy người") for the restorer."""
    return _text_lines(WORDS)


@lru_cache(maxsize=1)
def bundled_phrases() -> tuple[str, ...]:
    """Every phrase of the bundled thesaurus, everyday and formal, as written (with diacritics)."""
    return tuple(dict.fromkeys(p for lhs, rhs in parse_rules(bundled_lines(), BUNDLED) for p in lhs + rhs))


@lru_cache(maxsize=8)
def load(user_lines: tuple[str, ...] = ()) -> Thesaurus:
    """The bundled thesaurus plus a user's rules (cached: an index asks for it on every query)."""
    rules = parse_rules(bundled_lines(), BUNDLED)
    if user_lines:
        rules += parse_rules(user_lines, "từ điển đồng nghĩa của chỉ mục này")
    return Thesaurus(rules)


def for_analyzer(settings: dict) -> Thesaurus:
    """The thesaurus an index was built with: the bundled one plus the user rules in its analyzer settings."""
    return load(tuple(settings.get(USER_RULES_KEY) or ()))
