"""Party and State abbreviations: a curated table, the definitions a document makes, and query expansions."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

from tracuu.text.abbreviation_table import STATE_TYPES as _STATE_TYPES, TABLE as _TABLE
from tracuu.text.analyzer import fold, nfc, tone_key
from tracuu.text.numerals import to_roman

_WORD = re.compile(r"[^\W_]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")
_PARTY_SYMBOL = re.compile(r"(?<![\w/])(?:(\d+)\s*-\s*)?([^\W\d_]+)\s*/\s*([^\W_][\w-]*)")
_STATE_SYMBOL = re.compile(r"(?<![\w/])(\d+)(?:/\d{4})?/([^\W\d_]+)-([^\W_][\w-]*)")
_COMPOUND = re.compile(r"[^\W\d_]+(?:\s*[,&-]\s*[^\W\d_]+)+")
_NUMBERED = re.compile(r"(?<![\w/-])([^\W\d_]+)\s?(\d+)(?![\w/-])")


def compact(text: str) -> str:
    """Lookup key: letters only, folded, upper case ("KH,CN" -> "KHCN", "bcd" -> "BCD", "QĐi" -> "QDI")."""
    return "".join(_LETTERS.findall(fold(nfc(text)))).upper()


def is_folded_syllable(word: str) -> bool:
    """Could this (folded) word be a Vietnamese syllable? "tu", "ai", "hu" can; "ct", "bcd", "ubnd" cannot."""
    return bool(_SYLLABLE.fullmatch(fold(word).lower()))


@dataclass(frozen=True)
class Entry:
    short: str
    forms: tuple[str, ...]  # every written form: short plus aliases
    full: tuple[str, ...]
    doctype: bool = False


def _load(table: str) -> list[Entry]:
    entries = []
    for line in table.strip().splitlines():
        kind, rest = line.split(": ", 1)
        for item in rest.split("; "):
            left, right = item.split(" = ")
            forms = tuple(f.strip() for f in left.split(", "))
            entries.append(Entry(forms[0], forms, tuple(f.strip() for f in right.split("|")), kind == "t"))
    return entries


ENTRIES = _load(_TABLE)
_BY_KEY: dict[str, Entry] = {}
for _e in ENTRIES:
    for _form in _e.forms:
        _BY_KEY.setdefault(compact(_form), _e)


def is_initials(word: str) -> bool:
    """Initials, not a word: no syllable, no number, and no vowel ("cmnd", "đbqh") or a known abbreviation ("ubnd",
    "GDP"). Foreign words ("covid", "online"), roman numerals ("xiii") and numbers ("2045", "5g") are words."""
    folded = fold(word).lower()
    if is_folded_syllable(folded) or any(ch.isdigit() for ch in folded):
        return False
    return not any(ch in "aeiouy" for ch in folded) or compact(folded) in _BY_KEY


def _case_ok(written: str, entry: Entry) -> bool:
    """Short all-lower-case words ("tu", "ct", "kh") are Vietnamese far more often than abbreviations."""
    if written in entry.forms or any(fold(written) == fold(f) for f in entry.forms):
        return True
    key = compact(written)
    if written.isupper():
        return not any(ch.islower() for f in entry.forms for ch in f) and len(key) >= 2
    return len(key) >= 3 and not is_folded_syllable(written) and not any(ch.islower() for ch in entry.short)


def _issuers(code: str) -> list[str]:
    """Full forms of a symbol's issuer part: "ĐĐQH15" -> "Đảng đoàn Quốc hội khóa XV" (greedy longest match)."""
    out: list[str] = []
    for part in code.split("-"):
        letters, digits = re.fullmatch(r"(\D*)(\d*)", part).groups()
        key, found = compact(letters), []
        while key:
            entry = next((e for size in range(len(key), 0, -1)
                          if (e := _BY_KEY.get(key[:size])) and not e.doctype), None)
            if entry is None:
                found = []
                break
            found.append(entry)
            key = key[len(compact(entry.short)):]
        term = f" khóa {to_roman(int(digits))}" if digits and 0 < int(digits) < 60 else ""
        if len(found) == 1:  # an ambiguous issuer ("TU") keeps each of its readings
            out += [f + term for f in found[0].full]
        elif found:
            out.append(" ".join(e.full[0] for e in found) + term)
    return out


@dataclass(frozen=True)
class _Phrase:
    keys: tuple[str, ...]
    folded: tuple[str, ...]


@lru_cache(maxsize=1 << 14)
def _phrase(text: str) -> _Phrase:
    # Cached: every query compares itself with the phrases of every dictionary entry.
    words = _WORD.findall(nfc(text).lower())
    return _Phrase(tuple(tone_key(w) for w in words), tuple(fold(w) for w in words))


def _accented(words: list[str]) -> list[bool]:
    """Which words were typed with diacritics (those must match with their tones)."""
    return [fold(w.lower()) != w.lower() for w in words]


def _find(phrase: _Phrase, query: _Phrase, accented: list[bool], starts: Iterable[int] | None = None) -> list[int]:
    """Start positions of `phrase` in the query; accented query words must match with their tones. `starts`: the
    positions worth trying (where the phrase's first folded word is), all of them by default."""
    n, hits = len(phrase.keys), []
    for i in range(len(query.keys) - n + 1) if starts is None else starts:
        if i + n <= len(query.keys) and all(query.keys[i + j] == phrase.keys[j] if accented[i + j]
               else query.folded[i + j] == phrase.folded[j] for j in range(n)):
            hits.append(i)
    return hits


def _learned_entries(learned: Mapping[str, Iterable[str]] | None) -> tuple[list[Entry], list[Entry]]:
    """Learned definitions split into abbreviations (matched like the table) and short names (matched as words)."""
    abbrevs, names = [], []
    for short, fulls in (learned or {}).items():
        # A name defined differently by many documents ("Ban Chỉ đạo") is ambiguous: expand it no further.
        fulls = tuple(sorted(set(fulls)))[:2] if len(set(fulls)) <= 2 else ()
        entry = Entry(short, (short,), fulls)
        (names if " " in short.replace(", ", ",") else abbrevs).append(entry)
    return abbrevs, names


def _forward(query: str, learned_abbrevs: list[Entry]) -> list[tuple[int, int, tuple[str, ...], bool]]:
    """(start, end, full forms, inside a symbol) for each abbreviation written in the query."""
    by_key = {**_BY_KEY, **{compact(e.short): e for e in learned_abbrevs if e.full}}
    found: list[tuple[int, int, tuple[str, ...], bool]] = []
    for pattern, state in ((_STATE_SYMBOL, True), (_PARTY_SYMBOL, False)):
        for m in pattern.finditer(query):
            entry = by_key.get(compact(m.group(2)))
            if entry and entry.doctype and not any(a < m.end() and m.start() < b for a, b, _, _ in found):
                kind = _STATE_TYPES.get(entry.short, entry.full[0]) if state else entry.full[0]
                found.append((*m.span(), (kind, *_issuers(m.group(3))), True))
    for m in _NUMBERED.finditer(query):  # "NQ 57", "nq57": a type followed by its number
        entry = by_key.get(compact(m.group(1)))
        glued = " " not in m.group()  # "nq57" reads as a number; "ct 5 năm" may be Vietnamese
        if entry and entry.doctype and (m.group(1).isupper() or glued and not is_folded_syllable(m.group(1))):
            found.append((*m.span(), entry.full[:1], True))
    for start, end, written in _candidate_spans(query):
        entry = by_key.get(compact(written))
        if entry and not entry.doctype and _case_ok(written, entry) \
                and not any(a <= start and end <= b for a, b, _, _ in found):
            found.append((start, end, entry.full, False))
    return found


def _candidate_spans(query: str) -> list[tuple[int, int, str]]:
    """Runs of words joined by "," "&" "-" (longest first, so "KH,CN" in "Bộ Chính trị, KH,CN" is seen whole),
    then single words."""
    spans = []
    for m in _COMPOUND.finditer(query):
        parts = [(m.start() + p.start(), m.start() + p.end()) for p in _WORD.finditer(m.group())]
        for size in range(len(parts), 1, -1):
            for i in range(len(parts) - size + 1):
                a, b = parts[i][0], parts[i + size - 1][1]
                spans.append((a, b, query[a:b]))
    return spans + [(m.start(), m.end(), m.group()) for m in _WORD.finditer(query)]


@lru_cache(maxsize=16)
def _reverse_candidates(learned_names: tuple[Entry, ...], learned_abbrevs: tuple[Entry, ...]
                        ) -> dict[str, list[tuple[int, _Phrase, str]]]:
    """Full forms to look for, longest first, filed under their first folded word: a query is compared only with
    phrases that can start at one of its words (the whole table per query cost 4 ms at 100k passages)."""
    candidates: list[tuple[_Phrase, str]] = []
    for e in ENTRIES + list(learned_abbrevs):
        # Two-letter or syllable-like abbreviations ("TU" -> "tu") would match ordinary words in the folded field.
        if e.doctype or len(compact(e.short)) < 3 or is_folded_syllable(e.short):
            continue
        candidates += [(_phrase(f), e.short) for f in e.full]
    for e in learned_names:
        candidates += [(_phrase(e.short), f) for f in e.full] + [(_phrase(f), e.short) for f in e.full]
    by_first: dict[str, list[tuple[int, _Phrase, str]]] = {}
    for order, (phrase, emit) in enumerate(sorted(candidates, key=lambda c: -len(c[0].keys))):
        if phrase.keys:
            by_first.setdefault(phrase.folded[0], []).append((order, phrase, emit))
    return by_first


def _reverse(query: str, learned_names: list[Entry], learned_abbrevs: list[Entry]) -> list[str]:
    """Abbreviations (and learned full names) of the full forms written in the query, longest match first."""
    raw = _WORD.findall(nfc(query).lower())
    accented = _accented(raw)
    q = _phrase(query)
    by_first = _reverse_candidates(tuple(learned_names), tuple(learned_abbrevs))
    at: dict[str, list[int]] = {}
    for i, word in enumerate(q.folded):
        at.setdefault(word, []).append(i)
    candidates = sorted(c for word in at for c in by_first.get(word, ()))
    out: list[str] = []
    used = [False] * len(raw)
    for _, phrase, emit in candidates:  # the table's order: longest first
        for i in _find(phrase, q, accented, at[phrase.folded[0]]):
            if not any(used[i:i + len(phrase.keys)]):
                used[i:i + len(phrase.keys)] = [True] * len(phrase.keys)
                out.append(emit)
    # "Nghị quyết số 57" -> "57-NQ", so the number meets its symbol's bigram ("57_nq").
    folded = fold(nfc(query)).lower()
    for short, pattern in _NUMBERED_TYPES:
        out += [f"{m.group(1)}-{short}" for m in pattern.finditer(folded)]
    return out


_NUMBERED_TYPES = [(e.short, re.compile(rf"\b{re.escape(fold(e.full[0]))}(?: so)? (\d+)\b"))
                   for e in ENTRIES if e.doctype]


_PAREN = re.compile(r"\(([^()\n]{1,160})\)")
_CALLED = re.compile(r"(?:sau đây\s+)?(?:được\s+)?(?:gọi|viết)(?:\s+tắt)?\s+là\s+(.+)", re.I)
_ABBREV = re.compile(r"[A-ZĐ][^\W_]*(?:\s*[,&-]\s*[^\W_]+)*")  # UBTVQH, KH,CN, ĐMST, IoT, R&D
_BOUNDARY = re.compile(r"[;:!?()\[\]\n|]|\.(?=\s)")
_SKIP = {"va", "cua", "cac", "ve", "voi", "cho", "trong"}  # "Bộ Khoa học và Công nghệ" -> BKHCN
MAX_WORDS = 40


def _unit_matches(unit: str, word: str) -> bool:
    """"B" ~ "Ban", "Đ" ~ "đạo", "d" ~ "đạo"; a lower-case tail must follow in order ("Tg" ~ "tướng", "Đi" ~ "định")."""
    u, w = fold(unit).lower(), fold(word).lower()
    if not w or u[0] != w[0]:
        return False
    rest = iter(w[1:])
    return all(ch in rest for ch in u[1:])


def _suffix_start(units: list[str], words: list[str]) -> int | None:
    """Index of the first word of a full form ending right before the parenthesis, its initials spelling `units`."""
    def walk(i: int, j: int) -> int | None:
        if j < 0:
            return i + 1
        if i < 0:
            return None
        if _unit_matches(units[j], words[i]):
            found = walk(i - 1, j - 1)
            if found is not None:
                return found
        if i < len(words) - 1 and fold(words[i]).lower() in _SKIP:
            return walk(i - 1, j)
        return None
    return walk(len(words) - 1, len(units) - 1)


def _head_start(units: list[str], words: list[str]) -> int | None:
    """The nearest capitalised name whose first words spell `units`: "Ban Chỉ đạo Trung ương về ... (BCĐ)"."""
    for s in range(len(words) - len(units), -1, -1):
        if words[s][0].isupper() and all(_unit_matches(u, w) for u, w in zip(units, words[s:s + len(units)])):
            return s
    return None


def _clause_words(before: str) -> tuple[str, list[re.Match]]:
    cuts = [m.end() for m in _BOUNDARY.finditer(before)]
    clause = before[cuts[-1] if cuts else 0:]
    return clause, list(_WORD.finditer(clause))[-MAX_WORDS:]


def _tidy(text: str) -> str:
    return " ".join(text.replace("*", "").split()).strip(" ,-–")


def learn_definitions(text: str) -> dict[str, set[str]]:
    """Definitions a document makes itself, short form -> full forms.

    "Ủy ban Thường vụ Quốc hội (UBTVQH)", "khoa học, công nghệ, đổi mới sáng tạo (KH,CN, ĐMST)" and
    "Ban Chỉ đạo Trung ương về ... (BCĐ)" are kept when the initials spell the abbreviation (đ = d, "và", "của"
    skipped); "(sau đây gọi tắt là Nghị quyết 57)" and a short name repeating the head of the name before it,
    "Ban Chỉ đạo Trung ương về ... (Ban Chỉ đạo)", are kept as they stand. "(sửa đổi)", "(nếu có)" and English
    initials that do not spell the Vietnamese words before them ("năng suất các nhân tố tổng hợp (TFP)") are not.
    """
    text = nfc(text).replace("\\", "")  # Markdown escapes: "(R\\&D)"
    out: dict[str, set[str]] = {}
    for m in _PAREN.finditer(text):
        inner = _tidy(m.group(1))
        clause, words = _clause_words(text[:m.start()])
        if not words or not inner:
            continue
        texts = [w.group() for w in words]
        start: int | None = None
        called = _CALLED.fullmatch(inner)
        if called:
            inner = _tidy(called.group(1))
            head = _phrase(" ".join(_WORD.findall(inner)[:2]))
            hits = _find(head, _phrase(" ".join(texts)), _accented(texts))
            start = hits[-1] if hits else 0
        elif _ABBREV.fullmatch(inner) and len(inner) <= 20 and sum(c.isupper() for c in inner) >= 2:
            units = re.findall(r"[A-ZĐ][^\W\d_A-ZĐ]*", inner)
            start = _suffix_start(units, texts)
            if start is None:
                start = _head_start(units, texts)
        elif inner[0].isupper() and 2 <= len(_WORD.findall(inner)) <= 6:
            name = _phrase(inner)
            hits = [h for h in _find(name, _phrase(" ".join(texts)), _accented(texts))
                    if h + len(name.keys) < len(texts)]
            start = hits[-1] if hits else None
        if start is None:
            continue
        full = _tidy(clause[words[start].start():])
        if full and fold(full).lower() != fold(inner).lower():
            out.setdefault(inner, set()).add(full)
    return out


def expand_query(query: str, learned: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """Extra phrasings to search alongside `query`: full forms of its abbreviations and the reverse.

    "BCT yêu cầu gì" -> ["Bộ Chính trị"]; "ban chi dao" -> ["BCĐ"]; "15-NQ/TU" -> ["nghị quyết", "Tỉnh ủy",
    "Thành ủy"]. Phrases come in their accented spelling; only those the query does not already say are returned.
    """
    query = nfc(query)
    abbrevs, names = _learned_entries(learned)
    found = [f for *_, fulls, _ in _forward(query, abbrevs) for f in fulls] + _reverse(query, names, abbrevs)
    said = " " + " ".join(_phrase(query).folded) + " "
    out: list[str] = []
    for phrase in found:
        folded = " " + " ".join(_phrase(phrase).folded) + " "
        if folded not in said and phrase not in out:
            out.append(phrase)
    return out


def rewrite_query(query: str) -> str:
    """The query with its unambiguous abbreviations written out in place ("BCT ..." -> "Bộ Chính trị ..."), for a
    dense encoder, which reads full words far better than initials. Symbols ("57-NQ/TW") stay as written."""
    query = nfc(query)
    for start, end, fulls, in_symbol in sorted(_forward(query, []), reverse=True):
        if not in_symbol and len(fulls) == 1:
            end += query[end:end + 2] == ". "  # the abbreviation's own full stop: "TP. Hà Nội"
            query = query[:start] + fulls[0] + query[end:]
    return query
