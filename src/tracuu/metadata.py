"""Document metadata from the header and first lines: số/ký hiệu, type, issuer, date, trích yếu, relations, kind."""
from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any, NamedTuple

# Type codes (VIETNAMESE.md §6). State documents read "TT" as thông tư; Party documents as thông tri.
TYPE_NAMES = {
    "NQ": "Nghị quyết", "KL": "Kết luận", "CT": "Chỉ thị", "QĐ": "Quyết định", "QĐi": "Quy định",
    "HD": "Hướng dẫn", "TB": "Thông báo", "BC": "Báo cáo", "KH": "Kế hoạch", "CTr": "Chương trình",
    "ĐA": "Đề án", "TTr": "Tờ trình", "TT": "Thông tri", "QC": "Quy chế", "NĐ": "Nghị định", "L": "Luật",
    "PL": "Phụ lục", "CV": "Công văn",
}
STATE_TYPE_NAMES = {**TYPE_NAMES, "TT": "Thông tư"}
_CODES = {code.upper(): code for code in TYPE_NAMES}  # "QĐI" in a line of capitals is still QĐi
# Heading words to type codes; longest first so "QUYẾT ĐỊNH" is not read as a shorter name.
HEADING_TYPES = {name.upper(): code for code, name in TYPE_NAMES.items() if code != "CV"}
HEADING_TYPES.update({"THÔNG TƯ": "TT", "QUYẾT NGHỊ": "NQ"})
_HEADING_ORDER = sorted(HEADING_TYPES, key=len, reverse=True)

# Issuers as they are written in running text; a header in capitals is matched by its folded form.
ISSUERS = (
    "Ban Chấp hành Trung ương", "Bộ Chính trị", "Ban Bí thư", "Chính phủ", "Thủ tướng Chính phủ", "Quốc hội",
    "Ủy ban Thường vụ Quốc hội", "Đảng đoàn Quốc hội", "Đảng ủy Quốc hội", "Ban cán sự đảng Chính phủ",
    "Văn phòng Trung ương Đảng", "Ban Tuyên giáo Trung ương", "Ban Tổ chức Trung ương", "Ban Kinh tế Trung ương",
    "Ủy ban Kiểm tra Trung ương", "Ban Nội chính Trung ương", "Ban Dân vận Trung ương", "Ban Đối ngoại Trung ương",
    "Đảng ủy Chính phủ", "Đảng ủy Quân sự Trung ương", "Đảng ủy Công an Trung ương", "Văn phòng Chính phủ",
)
ISSUER_CODES = {"TW": "Ban Chấp hành Trung ương", "CP": "Chính phủ", "TTg": "Thủ tướng Chính phủ",
                "VPTW": "Văn phòng Trung ương Đảng", "VPCP": "Văn phòng Chính phủ",
                "BTGTW": "Ban Tuyên giáo Trung ương", "BTCTW": "Ban Tổ chức Trung ương",
                "UBKTTW": "Ủy ban Kiểm tra Trung ương"}
_NOT_ISSUERS = ("ĐẢNG CỘNG SẢN VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "ĐỘC LẬP - TỰ DO - HẠNH PHÚC")
PUBLISHERS = ((r"\(Chinhphu\.vn\)|chinhphu\.vn|Ảnh: VGP", "Báo điện tử Chính phủ"),
              (r"^NDO\s*[-–]|^NDĐT\s*[-–]|nhandan\.vn|Báo Nhân Dân", "Báo Nhân Dân"),
              (r"\(TTXVN\)|TTXVN\s*[-–]", "Thông tấn xã Việt Nam"),
              (r"^VOV\.VN\s*[-–]|\(VOV\)", "Đài Tiếng nói Việt Nam"),
              (r"\(QĐND\)|qdnd\.vn", "Báo Quân đội nhân dân"), (r"\(Dân trí\)|dantri\.com\.vn", "Báo Dân trí"))

_UP = "A-ZĐ"  # issuer and type codes are Latin capitals and Đ ("ĐĐQH15", "QĐi")
# Party style 57-NQ/TW, 3260-KH/ĐĐQH15; State style 03/NQ-CP, 155/2020/NĐ-CP, 04/TTr-BKHCN-BTTTT; laws 59/2020/QH14.
_PARTY = rf"(\d{{1,5}})\s?-\s?([{_UP}][A-Za-zĐđ]{{0,3}})\s?/\s?([{_UP}][{_UP}0-9]{{1,11}}(?:-[{_UP}0-9]+)?)"
_STATE = (rf"(\d{{1,5}})\s?/\s?(?:(\d{{4}})\s?/\s?)?([{_UP}][A-Za-zĐđ]{{0,4}})\s?-\s?"
          rf"([{_UP}][{_UP}0-9]*(?:-[{_UP}][{_UP}0-9]*)*)")
_LAW = r"(\d{1,4})/(\d{4})/(QH\d{1,2})"
_SYMBOL = re.compile(rf"(?<![\w/.-])(?:{_LAW}|{_PARTY}|{_STATE})(?![\w/])")
# Archives hold malformed forms right after "Số": "Số375BC-CĐKT", "Số 12 BC/CĐKT".
_MALFORMED = re.compile(rf"^Số\s*:?\s*(\d{{1,5}})\s*-?\s*([{_UP}][A-Za-zĐđ]{{0,3}})\s*[-/]\s*"
                        rf"([{_UP}][{_UP}0-9-]{{1,15}})\b")
_SO_LINE = re.compile(r"^(?:Số|(?:Luật|Pháp lệnh) số)\s*:?\s*")
_HEADER_TAIL = re.compile(r"^[\s,;.]*(?:$|[^\d,;.]{2,40},\s*ngày\b|ngày\b)", re.I)
_DMY = r"(\d{1,2})(?:\s+tháng\s+|\s*[-/.]\s*)(\d{1,2})(?:\s+năm\s+|\s*[-/.]\s*)(\d{4})(?!\d)"
_DATE = re.compile(r"(?<!\d)" + _DMY, re.I)
_PLACE_DATE = re.compile(r"^([^\d,;:()]{2,40}),\s*ngày\s+" + _DMY, re.I)
_DATELINE = re.compile(r"^(?:\S{2,20}\s*[-–]\s*)?((?:Sáng|Chiều|Tối|Trưa|Đêm|Ngày|Hôm nay)\s+(?:qua\s+|nay\s+)?"
                       r"\(?(\d{1,2})/(\d{1,2})\)?)(?:/(\d{4}))?")
_TERM = re.compile(r"\bkh(?:óa|oá)\s+((?-i:[IVXLC]+)|\d{1,2})\b", re.I)
_CONGRESS = re.compile(r"Đại hội đại biểu toàn quốc lần thứ ((?-i:[IVXLC]+)|\d{1,2})\b", re.I)
_PLENUM = re.compile(r"Hội nghị (?:lần thứ ([\w ]+?)|Trung ương (\d{1,2})) Ban Chấp hành"
                     r"|Hội nghị Trung ương (\d{1,2})\b", re.I)
_BODY_START = re.compile(r"^(?:(?:[IVXLC]+|[A-ZĐ]|\d{1,2})\s*[-.)–]\s+\S|Điều\s+\d|Căn cứ|Phần thứ|Chương\s+[IVX\d])")
_IMPLEMENTS = re.compile(r"(?:thực hiện|thi hành)\s+(?:tốt\s+|có hiệu quả\s+)?(?:\S+\s+){1,2}(?:số\s*)?\W?$", re.I)
_SIGNATURE = re.compile(r"^(?:T/M|TM\.?|THAY MẶT)\s+(.+)$")  # not K/T (ký thay): a title follows it, not a body
_RULE = "<hr>"
_ORDER = ("kind", "number", "doc_type", "doc_type_name", "issuer", "issuer_code", "date", "place", "publisher",
          "dateline", "author", "annex", "attached_to", "title", "summary", "congress", "term", "plenum", "implements",
          "mentions")
_VN_NUMBERS = {"nhất": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
               "chín": 9, "mười": 10}
_PROPER = (("chính phủ", "Chính phủ"), ("bộ chính trị", "Bộ Chính trị"),
           ("ban chấp hành trung ương", "Ban Chấp hành Trung ương"), ("việt nam", "Việt Nam"),
           ("nghị quyết số", "Nghị quyết số"), ("quốc hội", "Quốc hội"), ("đảng cộng sản", "Đảng Cộng sản"),
           ("đại hội", "Đại hội"))


class Symbol(NamedTuple):
    """One số/ký hiệu found in text: as printed (spacing removed), its type code, issuer code and style."""

    text: str
    doc_type: str
    issuer_code: str
    style: str  # "party", "state", "law" or "malformed"
    start: int
    end: int


def find_symbols(text: str) -> list[Symbol]:
    """Every well-formed số/ký hiệu in `text`, in order."""
    found = []
    for m in _SYMBOL.finditer(text):
        g = m.groups()
        if g[0]:
            style, code, issuer = "law", "", g[2]
        elif g[3]:
            style, code, issuer = "party", g[4], g[5]
        else:
            style, code, issuer = "state", g[8], g[9]
            if code.upper() not in _CODES:  # "83/BKHCN-BTTTT-VP": a công văn, whose symbol names only units
                code, issuer = "", f"{code}-{issuer}"
        found.append(Symbol(re.sub(r"\s", "", m.group(0)), _CODES.get(code.upper(), code), issuer, style,
                            m.start(), m.end()))
    return found


def number_line(line: str) -> Symbol | None:
    """The symbol of a header line "Số: 03/NQ-CP", "Số 57-NQ/TW", even malformed ("Số375BC-CĐKT").

    Only the place and date may follow it ("Số: 03/NQ-CP Hà Nội, ngày …"): "Số 20-NQ/TW đã được tổng kết" is prose.
    """
    if not _SO_LINE.match(line):
        return None
    rest = _SO_LINE.sub("", line)
    symbols = [s for s in find_symbols(rest) if s.start == 0]
    if symbols:
        return symbols[0] if _HEADER_TAIL.match(rest[symbols[0].end:]) else None
    m = _MALFORMED.match(line)
    if m and m.group(2).upper() in _CODES and _HEADER_TAIL.match(line[m.end():]):
        return Symbol(re.sub(r"\s|^Số:?", "", m.group(0)), _CODES[m.group(2).upper()], m.group(3), "malformed", 0, 0)
    return None


def clean_lines(text: str) -> list[str]:
    """Lines without Markdown debris (`**`, `\\-`, `#`, table pipes: cells become lines); rules kept as a marker."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", unicodedata.normalize("NFC", text))
    out: list[str] = []
    for raw in text.splitlines():
        if re.fullmatch(r"\s*(?:-{3,}|\*{3,}|_{3,})\s*", raw):
            out.append(_RULE)
            continue
        for cell in raw.split("|"):
            cell = re.sub(r"\*+|`+|^\s*(?:#{1,6}|>)\s*|^\s*[-+]\s+(?=\S)", "", cell)
            cell = " ".join(cell.split())
            if cell and not re.fullmatch(r"[-=:_~ ]+", cell):
                out.append(cell)
    return out


def fold(text: str) -> str:
    """Key for comparing names: no marks, đ -> d, casefolded (so "UỶ", "ỦY" and "ủy" agree)."""
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.replace("đ", "d").replace("Đ", "D").casefold().split())


_KNOWN = {fold(name): name for name in ISSUERS}
_OF_ISSUER = r"của\s+(" + "|".join(sorted(map(re.escape, ISSUERS), key=len, reverse=True)) + ")"
_ISSUER_TEXT = re.compile(r"\b" + _OF_ISSUER, re.I)


def canonical_issuer(raw: str) -> str:
    """'ĐẢNG ĐOÀN QUỐC HỘI' -> 'Đảng đoàn Quốc hội'; 'THÀNH ỦY HÀ NỘI' -> 'Thành ủy Hà Nội'."""
    raw = re.sub(r"\s*\(.*$", "", " ".join(raw.split())).strip(" ,.;:")
    key = re.sub(r"^ban chap hanh trung uong dang$", "ban chap hanh trung uong", fold(raw))
    if key in _KNOWN:
        return _KNOWN[key]
    if m := _CONGRESS.fullmatch(raw):
        return f"Đại hội đại biểu toàn quốc lần thứ {m.group(1).upper()}"
    if raw.isupper() and " - " in raw:  # joint issuers: "BỘ KHOA HỌC VÀ CÔNG NGHỆ - BỘ THÔNG TIN VÀ TRUYỀN THÔNG"
        return " - ".join(canonical_issuer(part) for part in raw.split(" - "))
    return _proper_case(raw) if raw.isupper() else raw


def _proper_case(raw: str) -> str:
    words = raw.lower().split()
    if fold(words[0]) == "bo" and len(words) > 1:  # ministries: Bộ Khoa học và Công nghệ, Bộ Văn hóa, Thể thao…
        segments = re.split(r"( và |, | - )", " ".join(words[1:]))
        return "Bộ " + "".join(seg if i % 2 else seg[:1].upper() + seg[1:] for i, seg in enumerate(segments))
    if len(words) > 2 and fold(words[1]) in ("uy", "bo"):  # Thành ủy Hà Nội, Đảng bộ tỉnh Thanh Hóa
        rest = words[2:]
        admin = 2 if fold(" ".join(rest[:2])) == "thanh pho" else int(fold(rest[0]) in ("tinh", "huyen", "quan"))
        rest = rest[:admin] + [w.capitalize() for w in rest[admin:]]
        return " ".join([words[0].capitalize(), words[1]] + rest)
    return raw[:1] + " ".join(words)[1:]


def iso_date(day: str, month: str, year: str) -> str | None:
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def roman_or_int(value: str) -> int | None:
    value = value.strip()
    if value.isdigit():
        return int(value)
    numerals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    if not value or any(c not in numerals for c in value.upper()):
        words = [_VN_NUMBERS.get(w) for w in value.lower().split()]  # "sáu", "mười ba"
        if words and all(words):
            return words[0] + sum(words[1:]) if words[0] == 10 else sum(words)
        return None
    total = 0
    for i, c in enumerate(value.upper()):
        v = numerals[c]
        total += -v if i + 1 < len(value) and numerals[value[i + 1].upper()] > v else v
    return total


def head_zone(lines: list[str]) -> list[str]:
    """The header and title lines: up to the first section marker, "Căn cứ", or a body paragraph."""
    head: list[str] = []
    for i, line in enumerate(lines[:30]):
        if _BODY_START.match(line) and not number_line(line):
            break
        if i >= 3 and len(line) > 180 and line[-1] in ".;:" and not line.isupper():
            break
        head.append(line)
    return head


def sentence_case(text: str) -> str:
    """A trích yếu set in capitals, in sentence case; symbols and a few proper names keep their capitals."""
    if not text.isupper():
        return text
    out = " ".join(w if re.search(r"\d|/", w) else w.lower() for w in text.split())
    for low, proper in _PROPER:
        out = re.sub(rf"\b{low}\b", proper, out)
    return out if out.startswith("về ") else out[:1].upper() + out[1:]


def _heading_type(line: str) -> str:
    upper = line.rstrip(":").strip()
    for name in _HEADING_ORDER:
        if upper.upper().startswith(name) and (upper.isupper() or upper.upper() == name):
            rest = upper[len(name):]
            if not rest or rest[0] == " ":
                return HEADING_TYPES[name]
    return ""



def parse_metadata(text: str, *, title: str = "", source: str = "") -> dict[str, Any]:
    """What the header and first lines say about a document; keys are omitted when unknown.

    Keys: kind ("official", "news", "commentary"), number, doc_type, doc_type_name, issuer, issuer_code, date (ISO),
    place, summary (trích yếu), title, congress, term, plenum, implements, mentions; news add publisher, dateline,
    author; annexes add annex and attached_to. `title` is the reader's title, used when the text names no headline;
    `source` is accepted for the builder's call but file names are not trusted for metadata.
    """
    lines = clean_lines(text)
    head = [line for line in head_zone(lines) if line != _RULE]
    own = _own_number(head, title)
    types = [(i, t) for i, line in enumerate(head) if (t := _heading_type(line))]
    congress = _CONGRESS.match(lines[0]) if lines else None  # "Đại hội đại biểu toàn quốc lần thứ XIII ... họp"
    signature = _signature(lines)
    meta: dict[str, Any] = {}
    if own or types or signature or congress:
        meta["kind"] = "official"
        _official(meta, lines, head, own, types, signature, congress)
    elif _publisher(lines[:6]) or any(_DATELINE.match(line) for line in lines[:6]):
        meta.update(kind="news", doc_type="news", doc_type_name="Bài báo")
        _news(meta, lines, title)
        _term_and_plenum(meta, lines[:6])
    else:
        meta["kind"] = "commentary"  # no letterhead, number, signature or news marks: someone's own writing
        if lines:
            meta["title"] = _clip(title or lines[0])
    mentions = [s.text for s in find_symbols("\n".join(lines)[:3000]) if s.text != meta.get("number")]
    if mentions:
        meta["mentions"] = list(dict.fromkeys(mentions))
    return {key: meta[key] for key in sorted(meta, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))}


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
        if m := _SIGNATURE.match(line):
            words = []
            for word in m.group(1).split():
                if not word.isupper():
                    break
                words.append(word)
            if words:
                return canonical_issuer(" ".join(words))
    last = lines[-1] if lines else ""
    if last.isupper() and (_CONGRESS.fullmatch(last) or fold(last) in _KNOWN):
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
        if (m := _PLACE_DATE.match(line)) and "date" not in meta:
            meta["place"] = m.group(1).strip()
            meta["date"] = iso_date(*m.groups()[1:])
        elif (m := re.match(r"^ngày\s+" + _DMY, line, re.I)) and "date" not in meta:
            meta["date"] = iso_date(*m.groups())
    issuer = found.get("issuer") or _of_line(head, types) or signature
    if congress:
        issuer = issuer or canonical_issuer(congress.group(0))
        meta["congress"] = roman_or_int(congress.group(1))
        if m := re.search(r"từ ngày .{5,25}? đến ngày " + _DMY, lines[0]):  # adopted on the closing day
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
                  if s.text != meta.get("number") and _IMPLEMENTS.search(scope[max(0, s.start - 60):s.start])]
    if implements:
        meta["implements"] = list(dict.fromkeys(implements))


def _after_own(head_text: str, own: Symbol) -> dict[str, str]:
    """Date, issuer and trích yếu after the document's own number: "69-KL/TW ngày 11/01/2024 của Bộ Chính trị về …"."""
    found: dict[str, str] = {}
    for symbol in find_symbols(head_text):
        if symbol.text != own.text:
            continue
        rest = head_text[symbol.end:].split("\n", 1)[0]
        if m := re.match(r"\s*,?\s*\(?\s*ngày\s+" + _DMY + r"\)?", rest, re.I):
            found.setdefault("date", iso_date(*m.groups()) or "")
            rest = rest[m.end():]
        if m := re.match(r"\s*,?\s*" + _OF_ISSUER, rest, re.I):
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
        if number_line(line) or _heading_type(line) or _PLACE_DATE.match(line):
            break
        for motto in _NOT_ISSUERS:
            line = re.sub(re.escape(motto), "", line, flags=re.I).strip()
        if line.isupper() and len(line.split()) <= 16:
            bodies.append(line)
    return canonical_issuer(bodies[-1]) if bodies else ""


def _plenum_issuer(head: list[str]) -> str:
    plenums = [line for line in head if line.isupper() and _PLENUM.search(line)]
    return "Ban Chấp hành Trung ương" if any("BAN CHẤP HÀNH TRUNG ƯƠNG" in line for line in plenums) else ""


def _heading_summary(head: list[str], types: list[tuple[int, str]]) -> str:
    """The lines under the type heading up to the first non-title line: 'về đột phá phát triển …'."""
    if not types:
        return ""
    parts = []
    for line in head[types[0][0] + 1:]:
        if re.match(r"^(CỦA\s|\(?Kèm theo|\(?Ban hành kèm)", line, re.I) or _PLENUM.search(line):
            if parts:
                break
            continue
        if fold(line) in _KNOWN or _PLACE_DATE.match(line) or number_line(line) or _heading_type(line):
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
            issuers = _ISSUER_TEXT.findall(m.group(1))
            if issuers:
                meta["_issuer"] = canonical_issuer(issuers[-1])


def _term_and_plenum(meta: dict[str, Any], head: list[str]) -> None:
    """'khóa XI' / 'Hội nghị lần thứ sáu' of this document, not of one it cites (nothing cited before them)."""
    for line in head:
        for key, regex in (("term", _TERM), ("plenum", _PLENUM)):
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
        title = title or next((sentence_case(line) for line in head if _heading_type(line)), head[0] if head else "")
    return _clip(title)


def _publisher(lines: list[str]) -> str:
    for pattern, name in PUBLISHERS:
        if any(re.search(pattern, line) for line in lines):
            return name
    return ""


def _news(meta: dict[str, Any], lines: list[str], title: str) -> None:
    if publisher := _publisher(lines[:6]):
        meta["publisher"] = publisher
    lead_at = next((i for i, line in enumerate(lines[:6])
                    if _DATELINE.match(line) or any(re.search(p, line) for p, _ in PUBLISHERS)), 0)
    dates = [d for line in lines[:6] for m in _DATE.finditer(line) if (d := iso_date(*m.groups()))]
    for line in lines[:8]:
        if m := _DATELINE.match(re.sub(r"^\(\S+\)\s*[-–]\s*", "", line)):
            meta["dateline"] = m.group(1)
            day, month = int(m.group(2)), int(m.group(3))
            same = [d for d in dates if (int(d[8:]), int(d[5:7])) == (day, month)]
            year = m.group(4) or (same[0][:4] if same else "")
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


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
