"""Document metadata from the header and first lines: số/ký hiệu, type, issuer, date, trích yếu, relations, kind."""
from __future__ import annotations

import re
from typing import Any

from tracuu.cut import cut
from tracuu.text.document_patterns import (CONGRESS, DATE, DATELINE, DMY, FIELD_ORDER, HEADING_TYPES, IMPLEMENTS,
                                ISSUER_CODES, ISSUER_TEXT, KNOWN_ISSUERS, NOT_ISSUERS, OF_ISSUER, PLACE_DATE,
                                PLENUM, PUBLISHERS, RULE, SIGNATURE, STATE_TYPE_NAMES, Symbol, TERM, TYPE_NAMES,
                                canonical_issuer, clean_lines, find_symbols, name_key, head_zone, heading_type,
                                iso_date, number_line, roman_or_int, sentence_case)


def parse_metadata(text: str, *, title: str = "", source: str = "") -> dict[str, Any]:
    """What the header and first lines say about a document; keys are omitted when unknown.

    Keys: kind ("official", "news", "commentary"), number, doc_type, doc_type_name, issuer, issuer_code, date (ISO),
    place, summary (trích yếu), title, congress, term, plenum, implements, mentions; news add publisher, dateline,
    author; annexes add annex and attached_to. `title` is the reader's title, used when the text names no headline;
    `source`'s file name is read for one thing only: the year of a news article whose dateline gives day and month
    alone ("Sáng 22/4" in hanoi-10-chuong-trinh-cong-tac-2021.txt), when the name holds exactly one year.
    """
    lines = clean_lines(text)
    head = [line for line in head_zone(lines) if line != RULE]
    own = _own_number(head, title)
    types = [(i, t) for i, line in enumerate(head) if (t := heading_type(line))]
    congress = CONGRESS.match(lines[0]) if lines else None  # "Đại hội đại biểu toàn quốc lần thứ XIII ... họp"
    signature = _signature(lines)
    meta: dict[str, Any] = {}
    if own or types or signature or congress:
        meta["kind"] = "official"
        _official(meta, lines, head, own, types, signature, congress)
    elif _publisher(lines[:6]) or any(DATELINE.match(line) for line in lines[:6]):
        meta.update(kind="news", doc_type="news", doc_type_name="Bài báo")
        _news(meta, lines, title, source)
        _term_and_plenum(meta, lines[:6])
    else:
        meta["kind"] = "commentary"  # no letterhead, number, signature or news marks: someone's own writing
        if lines:
            meta["title"] = _clip(title or lines[0])
    mentions = [s.text for s in find_symbols("\n".join(lines)[:3000]) if s.text != meta.get("number")]
    if mentions:
        meta["mentions"] = list(dict.fromkeys(mentions))
    return {key: meta[key] for key in sorted(meta, key=lambda k: FIELD_ORDER.index(k) if k in FIELD_ORDER else len(FIELD_ORDER))}


def _own_number(head: list[str], title: str) -> Symbol | None:
    for line in head:
        if symbol := number_line(line):
            return symbol
    # Web copies carry no letterhead: the heading "Nghị quyết số 57-NQ/TW" names the document.
    for line in head[:1] + [" ".join(clean_lines(title))]:
        m = re.match(r"^(\w+ \w+|Luật|\w+)\s+số\s+", line)
        if m and (m.group(1).upper() in HEADING_TYPES or m.group(1) == "Luật"):
            symbols = find_symbols(line[m.end():])
            if symbols and symbols[0].start == 0:
                return symbols[0]
    return None


def _signature(lines: list[str]) -> str:
    """The body in the signature block ("T/M BỘ CHÍNH TRỊ", "TM. CHÍNH PHỦ"), or a closing line in capitals."""
    for line in reversed(lines[-40:]):
        if m := SIGNATURE.match(line):
            words = []
            for word in m.group(1).split():
                if not word.isupper():
                    break
                words.append(word)
            if words:
                return canonical_issuer(" ".join(words))
    last = lines[-1] if lines else ""
    if last.isupper() and (CONGRESS.fullmatch(last) or name_key(last) in KNOWN_ISSUERS):
        return canonical_issuer(last)
    return ""


def _official(meta: dict[str, Any], lines: list[str], head: list[str], own: Symbol | None,
              types: list[tuple[int, str]], signature: str, congress: re.Match | None) -> None:
    head_text = "\n".join(head)
    if own:
        meta["number"] = own.text
        if own.doc_type:
            meta["doc_type"] = own.doc_type
        meta["issuer_code"] = own.issuer_code
    if "doc_type" not in meta and types:
        meta["doc_type"] = types[0][1]
    elif "doc_type" not in meta and own and own.style == "law":
        meta["doc_type"] = "L"
    if meta.get("doc_type"):
        names = STATE_TYPE_NAMES if own and own.style == "state" else TYPE_NAMES
        meta["doc_type_name"] = names.get(meta["doc_type"], meta["doc_type"])
    found = _after_own(head_text, own) if own else {}
    for line in head[:types[0][0] if types else len(head)]:  # the letterhead: "Hà Nội, ngày …", "ngày 01-10-1997"
        if (m := PLACE_DATE.match(line)) and "date" not in meta:
            meta["place"] = m.group(1).strip()
            meta["date"] = iso_date(*m.groups()[1:])
        elif (m := re.match(r"^ngày\s+" + DMY, line, re.I)) and "date" not in meta:
            meta["date"] = iso_date(*m.groups())
    issuer = found.get("issuer") or _of_line(head, types) or signature
    if congress:
        issuer = issuer or canonical_issuer(congress.group(0))
        meta["congress"] = roman_or_int(congress.group(1))
        if m := re.search(r"từ ngày .{5,25}? đến ngày " + DMY, lines[0]):  # adopted on the closing day
            meta["date"] = iso_date(*m.groups())
        if m := re.search(r"\btại (?:Thủ đô |thành phố )?([A-ZĐ]\w*(?: [A-ZĐ]\w*){0,3})", lines[0]):
            meta["place"] = m.group(1)
    issuer = issuer or _letterhead(head) or _plenum_issuer(head)
    if not issuer and own:
        issuer = ISSUER_CODES.get(own.issuer_code, "")
        if not issuer and re.fullmatch(r"ĐĐQH\d*", own.issuer_code):
            issuer = "Đảng đoàn Quốc hội"
    if "date" not in meta and found.get("date"):
        meta["date"] = found["date"]
    summary = found.get("summary") or _heading_summary(head, types)
    if meta.get("doc_type") == "PL":
        _annex(meta, head, types)
        annex_issuer = meta.pop("_issuer", "")
        issuer = issuer or annex_issuer
    if issuer:
        meta["issuer"] = issuer
    if summary:
        meta["summary"] = summary
    if not congress:
        _term_and_plenum(meta, head)
    if meta.get("date") is None:
        meta.pop("date", None)
    meta["title"] = _official_title(meta, head)
    scope = "\n".join([summary or "", head_text, "\n".join(lines)[:1500]])
    implements = [s.text for s in find_symbols(scope)
                  if s.text != meta.get("number") and IMPLEMENTS.search(scope[max(0, s.start - 60):s.start])]
    if implements:
        meta["implements"] = list(dict.fromkeys(implements))


def _after_own(head_text: str, own: Symbol) -> dict[str, str]:
    """Date, issuer and trích yếu after the document's own number: "69-KL/TW ngày 11/01/2024 của Bộ Chính trị về …"."""
    found: dict[str, str] = {}
    for symbol in find_symbols(head_text):
        if symbol.text != own.text:
            continue
        rest = head_text[symbol.end:].split("\n", 1)[0]
        if m := re.match(r"\s*,?\s*\(?\s*ngày\s+" + DMY + r"\)?", rest, re.I):
            found.setdefault("date", iso_date(*m.groups()) or "")
            rest = rest[m.end():]
        if m := re.match(r"\s*,?\s*" + OF_ISSUER, rest, re.I):
            found.setdefault("issuer", canonical_issuer(m.group(1)))
            rest = rest[m.end():]
        if m := re.match(r"\s*(về\s.+?)[.;]?$", rest):
            found.setdefault("summary", m.group(1))
    return {k: v for k, v in found.items() if v}


def _of_line(head: list[str], types: list[tuple[int, str]]) -> str:
    """'CỦA BỘ CHÍNH TRỊ' under the heading 'NGHỊ QUYẾT'."""
    start = types[0][0] if types else 0
    for line in head[start + 1:start + 3]:
        if m := re.match(r"^CỦA\s+(.+)$", line, re.I):
            return canonical_issuer(m.group(1))
    return ""


def _letterhead(head: list[str]) -> str:
    """The most specific body in the letterhead: 'BAN CHẤP HÀNH TRUNG ƯƠNG / ĐẢNG ĐOÀN QUỐC HỘI' -> the second."""
    bodies = []
    for line in head:
        if number_line(line) or heading_type(line) or PLACE_DATE.match(line):
            break
        for motto in NOT_ISSUERS:
            line = re.sub(re.escape(motto), "", line, flags=re.I).strip()
        if line.isupper() and len(line.split()) <= 16:
            bodies.append(line)
    return canonical_issuer(bodies[-1]) if bodies else ""


def _plenum_issuer(head: list[str]) -> str:
    plenums = [line for line in head if line.isupper() and PLENUM.search(line)]
    return "Ban Chấp hành Trung ương" if any("BAN CHẤP HÀNH TRUNG ƯƠNG" in line for line in plenums) else ""


def _heading_summary(head: list[str], types: list[tuple[int, str]]) -> str:
    """The lines under the type heading up to the first non-title line: 'về đột phá phát triển …'."""
    if not types:
        return ""
    parts = []
    for line in head[types[0][0] + 1:]:
        if re.match(r"^(CỦA\s|\(?Kèm theo|\(?Ban hành kèm)", line, re.I) or PLENUM.search(line):
            if parts:
                break
            continue
        if name_key(line) in KNOWN_ISSUERS or PLACE_DATE.match(line) or number_line(line) or heading_type(line):
            break
        if len(line) > 180 and line.endswith("."):
            break
        parts.append(line)
    return sentence_case(" ".join(parts)).rstrip(" .;:")


def _annex(meta: dict[str, Any], head: list[str], types: list[tuple[int, str]]) -> None:
    if m := re.match(r"^PHỤ LỤC\s+([IVXLC]+|\d+)\b", head[types[0][0]], re.I):
        meta["annex"] = m.group(1)
    for line in head:
        if m := re.match(r"^\(?\s*Kèm theo\s+(.+?)\)?$", line, re.I):
            meta["attached_to"] = m.group(1)
            issuers = ISSUER_TEXT.findall(m.group(1))
            if issuers:
                meta["_issuer"] = canonical_issuer(issuers[-1])


def _term_and_plenum(meta: dict[str, Any], head: list[str]) -> None:
    """'khóa XI' / 'Hội nghị lần thứ sáu' of this document, not of one it cites (nothing cited before them)."""
    for line in head:
        for key, regex in (("term", TERM), ("plenum", PLENUM)):
            m = regex.search(line)
            if not m or key in meta:
                continue
            before = line[:m.start()]
            if line.isupper() or not (find_symbols(before) or re.search(r"Nghị quyết|Kết luận|văn kiện", before)):
                value = roman_or_int(next(g for g in m.groups() if g))
                if value:
                    meta[key] = value


def _official_title(meta: dict[str, Any], head: list[str]) -> str:
    name, summary = meta.get("doc_type_name", ""), meta.get("summary", "")
    if meta.get("number"):
        title = f"{name or 'Văn bản'} số {meta['number']}"
        if meta.get("date"):
            y, m, d = meta["date"].split("-")
            title += f" ngày {d}/{m}/{y}"
        if meta.get("issuer"):
            title += f" của {meta['issuer']}"
        if summary:
            title += " " + (summary if summary.startswith("về ") else summary[:1].lower() + summary[1:])
    elif meta.get("annex"):
        title = f"Phụ lục {meta['annex']}" + (f": {summary}" if summary else "")
    elif meta.get("congress") and meta.get("issuer"):
        title = f"{name or 'Nghị quyết'} {meta['issuer']}"
    else:
        title = f"{name} {summary}" if summary else ""
        title = title or next((sentence_case(line) for line in head if heading_type(line)), head[0] if head else "")
    return _clip(title)


def _publisher(lines: list[str]) -> str:
    for pattern, name in PUBLISHERS:
        if any(re.search(pattern, line) for line in lines):
            return name
    return ""


def _news(meta: dict[str, Any], lines: list[str], title: str, source: str = "") -> None:
    if publisher := _publisher(lines[:6]):
        meta["publisher"] = publisher
    lead_at = next((i for i, line in enumerate(lines[:6])
                    if DATELINE.match(line) or any(re.search(p, line) for p, _ in PUBLISHERS)), 0)
    dates = [d for line in lines[:6] for m in DATE.finditer(line) if (d := iso_date(*m.groups()))]
    for line in lines[:8]:
        if m := DATELINE.match(re.sub(r"^\(\S+\)\s*[-–]\s*", "", line)):
            meta["dateline"] = m.group(1)
            day, month = int(m.group(2)), int(m.group(3))
            same = [d for d in dates if (int(d[8:]), int(d[5:7])) == (day, month)]
            year = m.group(4) or (same[0][:4] if same else "") or _year_of_file(source)
            if year and (d := iso_date(str(day), str(month), year)):
                meta["date"] = d
            break
    if "date" not in meta and dates:
        meta["date"] = dates[0]
    headline = lines[0] if lead_at > 0 and not lines[0].endswith(".") else ""
    given = " ".join(title.split())
    if not headline and given and not (lines and lines[0].startswith(given[:60])):  # a .jsonl title, say
        headline = given
    lead = re.sub(r"^(?:\(\S+\)|NDO|NDĐT|TTXVN|VOV\.VN)\s*[-–]\s*", "", lines[lead_at]) if lines else ""
    meta["title"] = _clip(headline or lead, 160)
    meta["summary"] = _clip(lead, 300)
    last = lines[-1] if lines else ""
    if re.fullmatch(r"(?:[A-ZĐ]\w*\s){1,3}[A-ZĐ]\w*", last):  # a by-line: "Gia Huy"
        meta["author"] = last


def _year_of_file(source: str) -> str:
    """The one year a file's name holds ("…-2021.txt"), or "" (none, or several: no guess)."""
    name = re.split(r"[\\/]", source)[-1]
    years = set(re.findall(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)", name))
    return years.pop() if len(years) == 1 else ""


def _clip(text: str, limit: int = 200) -> str:
    return cut(text, limit)
