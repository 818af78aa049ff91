"""Metadata filters, parsed once from what the CLI, the HTTP app or `quotes` were given: `matches` applies them to a
document's metadata (the embedded index, `Index.documents`), `to_expression` writes them for Milvus."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence, Union

from tracuu.errors import InvalidQueryError
from tracuu.text.analyzer import fold
from tracuu.text.document_patterns import iso_date

# Milvus JSON paths take a field name: letters, digits and underscores.
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TYPE_KEYS = ("doc_type", "doc_type_name")  # a document type by its code ("NQ") or its name ("Nghị quyết")


@dataclass(frozen=True)
class Clause:
    """One condition on a document's metadata.

    rule "equal": one of `keys` equals `value`, case-insensitively (a missing key reads "");
    "from" / "to": the ISO `date` is at least `value` / at most `value` as a prefix ("2024-05" admits 2024-05-31),
    an undated document fails both; "folded": one of `keys` equals `value` with or without diacritics;
    "contains": `value` is part of the key's value, with or without diacritics."""

    keys: tuple[str, ...]
    value: str
    rule: str = "equal"

    def matches(self, metadata: Mapping[str, Any]) -> bool:
        if self.rule == "from":
            return bool(metadata.get("date")) and not metadata["date"] < self.value
        if self.rule == "to":
            return bool(metadata.get("date")) and not metadata["date"][:len(self.value)] > self.value
        if self.rule == "equal":
            return any(str(metadata.get(k, "")).casefold() == self.value.casefold() for k in self.keys)
        wanted = fold(self.value).lower()
        if self.rule == "folded":
            return wanted in {fold(str(metadata.get(k, ""))).lower() for k in self.keys}
        return any(wanted in fold(str(metadata.get(k, ""))).lower() for k in self.keys)

    def to_expression(self, field: str) -> str:
        date_field = f'{field}["date"]'
        if self.rule == "from":
            return f"{date_field} >= {literal(self.value.casefold())}"
        if self.rule == "to":
            # A date whose first len(value) characters are <= value: every ISO character sorts below "~".
            return f"{date_field} < {literal(self.value.casefold() + '~')}"
        if self.rule != "equal":
            raise InvalidQueryError("filters", f"không gửi được {self.keys[0]!r} ({self.rule}) tới Milvus",
                                    fix="lọc văn bản bằng Index.documents, rồi tìm theo mã của chúng")
        parts = []
        for key in self.keys:
            if not _KEY.match(key):
                raise InvalidQueryError("filters", f"{key!r} không phải tên trường metadata",
                                        fix="dùng chữ cái, chữ số và dấu gạch dưới (doc_type, issuer, number, date)")
            path = f"{field}[{literal(key)}]"
            # The embedded filter reads a missing key as "": a comparison with a missing key is false in Milvus.
            parts.append(f"not ({path} != \"\")" if self.value.casefold() == "" else
                         f"{path} == {literal(self.value.casefold())}")
        return " or ".join(f"({p})" for p in parts) if len(parts) > 1 else parts[0]


@dataclass(frozen=True)
class MetadataFilter:
    """All of its clauses, in the order given."""

    clauses: tuple[Clause, ...] = ()

    @classmethod
    def of(cls, given: "FilterArgument") -> "MetadataFilter | None":
        """From what `Index.search` and `Index.documents` accept: None, a filter, or {key: value} where `date_from`
        and `date_to` bound the ISO date and every other key is an equality."""
        if given is None or isinstance(given, MetadataFilter):
            return given or None
        rules = {"date_from": "from", "date_to": "to"}
        return cls(tuple(Clause(("date",), str(v), rules[k]) if k in rules else Clause((k,), str(v))
                         for k, v in given.items())) or None

    @classmethod
    def from_pairs(cls, pairs: Sequence[str]) -> "MetadataFilter | None":
        """From the CLI's repeated `--filter KEY=VALUE`."""
        out = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep:
                raise InvalidQueryError("--filter", f"{pair!r} không có dạng KHOÁ=GIÁ_TRỊ",
                                        fix="ví dụ --filter doc_type=NQ (khoá: doc_type, number, issuer, date, "
                                            "date_from, date_to)")
            out[key.strip()] = value.strip()
        return cls.of(out)

    @classmethod
    def from_request(cls, given: Mapping[str, str] | None, doc_type: str | None = None, date_from: str | None = None,
                     date_to: str | None = None) -> "MetadataFilter | None":
        """From the HTTP app's fields: `doc_type` by code ("NQ") or name ("Nghị quyết"); every date, in `given` or
        a field, goes through `parse_date` (one parser, one error for every endpoint)."""
        fields = dict(given or {})
        for key in ("date_from", "date_to"):
            if key in fields:
                parsed = parse_date(fields.pop(key), f"filters.{key}")
                if parsed:
                    fields[key] = parsed
        for key, value in (("date_from", date_from), ("date_to", date_to)):
            if parsed := parse_date(value, key):
                fields[key] = parsed  # the fields win over the same key in `given`
        parsed = cls.of(fields)
        clauses = parsed.clauses if parsed else ()
        if doc_type:
            clauses += (Clause(TYPE_KEYS, doc_type),)
        return cls(clauses) or None

    @classmethod
    def for_quotes(cls, doc_type: str | None, issuer: str | None, date_from: str | None,
                   date_to: str | None) -> "MetadataFilter | None":
        """`quotes`' arguments: a type's code or name and part of the issuer's name, with or without diacritics;
        dates as YYYY-MM-DD or DD/MM/YYYY (a 422 otherwise)."""
        clauses = []
        if doc_type:
            clauses.append(Clause(TYPE_KEYS, doc_type, "folded"))
        if issuer:
            clauses.append(Clause(("issuer",), issuer, "contains"))
        clauses += [Clause(("date",), parse_date(v, name) or "", rule)
                    for v, name, rule in ((date_from, "date_from", "from"), (date_to, "date_to", "to")) if v]
        return cls(tuple(clauses)) or None

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def matches(self, metadata: Mapping[str, Any] | None) -> bool:
        return all(c.matches(metadata or {}) for c in self.clauses)

    def to_expression(self, field: str) -> str | None:
        """The Milvus expression over the JSON `field` that holds each passage's casefolded document metadata."""
        return " and ".join(f"({c.to_expression(field)})" for c in self.clauses) or None


FilterArgument = Union[MetadataFilter, Mapping[str, str], None]


# The dates a person types: ISO, or the Vietnamese day first (22/12/2024, 22-12-2024, 22.12.2024); a month or a
# year alone ("2024-05", "2024") bounds by prefix, as `Clause` compares ("to 2024-05" admits 2024-05-31).
_DATES = ((re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), (1, 2, 3)),
          (re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"), (3, 2, 1)))
_PREFIX = re.compile(r"(\d{4})(?:-(\d{2}))?")


def parse_date(value: Any, field: str) -> str | None:
    """YYYY-MM-DD from 'YYYY-MM-DD' or 'DD/MM/YYYY' (a real day: not 2024-13-45), 'YYYY-MM' or 'YYYY' as they are;
    None for nothing; an InvalidQueryError for anything else, trailing words included. Every face's dates go
    through here: the CLI, the HTTP fields and filters, quotes."""
    text = str(value or "").strip()
    if not text:
        return None
    for pattern, (y, m, d) in _DATES:
        found = pattern.fullmatch(text)
        if found and (day := iso_date(found.group(d), found.group(m), found.group(y))):
            return day
    prefix = _PREFIX.fullmatch(text)
    if prefix and (prefix.group(2) is None or 1 <= int(prefix.group(2)) <= 12):
        return text
    raise InvalidQueryError(field, f"{text[:40]!r} không phải ngày tháng",
                            fix="viết dạng YYYY-MM-DD hoặc DD/MM/YYYY (hoặc YYYY-MM, YYYY cho cả tháng hay cả năm)")


def literal(value: str) -> str:
    """A Milvus string literal (JSON escaping is what its expression parser reads)."""
    return json.dumps(value, ensure_ascii=False)
