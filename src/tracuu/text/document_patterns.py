"""Patterns of Party and State documents: số/ký hiệu, types, issuers, dates, congress and term numbers."""
from __future__ import annotations

import datetime
import re
import unicodedata
from typing import NamedTuple

from tracuu.text.analyzer import fold

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
NOT_ISSUERS = ("ĐẢNG CỘNG SẢN VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
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
DMY = r"(\d{1,2})(?:\s+tháng\s+|\s*[-/.]\s*)(\d{1,2})(?:\s+năm\s+|\s*[-/.]\s*)(\d{4})(?!\d)"
DATE = re.compile(r"(?<!\d)" + DMY, re.I)
PLACE_DATE = re.compile(r"^([^\d,;:()]{2,40}),\s*ngày\s+" + DMY, re.I)
DATELINE = re.compile(r"^(?:\S{2,20}\s*[-–]\s*)?((?:Sáng|Chiều|Tối|Trưa|Đêm|Ngày|Hôm nay)\s+(?:qua\s+|nay\s+)?"
                       r"\(?(\d{1,2})/(\d{1,2})\)?)(?:/(\d{4}))?")
TERM = re.compile(r"\bkh(?:óa|oá)\s+((?-i:[IVXLC]+)|\d{1,2})\b", re.I)
CONGRESS = re.compile(r"Đại hội đại biểu toàn quốc lần thứ ((?-i:[IVXLC]+)|\d{1,2})\b", re.I)
PLENUM = re.compile(r"Hội nghị (?:lần thứ ([\w ]+?)|Trung ương (\d{1,2})) Ban Chấp hành"
                     r"|Hội nghị Trung ương (\d{1,2})\b", re.I)
_BODY_START = re.compile(r"^(?:(?:[IVXLC]+|[A-ZĐ]|\d{1,2})\s*[-.)–]\s+\S|Điều\s+\d|Căn cứ|Phần thứ|Chương\s+[IVX\d])")
IMPLEMENTS = re.compile(r"(?:thực hiện|thi hành)\s+(?:tốt\s+|có hiệu quả\s+)?(?:\S+\s+){1,2}(?:số\s*)?\W?$", re.I)
SIGNATURE = re.compile(r"^(?:T/M|TM\.?|THAY MẶT)\s+(.+)$")  # not K/T (ký thay): a title follows it, not a body
RULE = "<hr>"
FIELD_ORDER = ("kind", "number", "doc_type", "doc_type_name", "issuer", "issuer_code", "date", "place", "publisher",
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
            out.append(RULE)
            continue
        for cell in raw.split("|"):
            cell = re.sub(r"\*+|`+|^\s*(?:#{1,6}|>)\s*|^\s*[-+]\s+(?=\S)", "", cell)
            cell = " ".join(cell.split())
            if cell and not re.fullmatch(r"[-=:_~ ]+", cell):
                out.append(cell)
    return out


def name_key(text: str) -> str:
    """Key for comparing names: no marks, đ -> d, casefolded (so "UỶ", "ỦY" and "ủy" agree)."""
    return " ".join(fold(text).casefold().split())


KNOWN_ISSUERS = {name_key(name): name for name in ISSUERS}
OF_ISSUER = r"của\s+(" + "|".join(sorted(map(re.escape, ISSUERS), key=len, reverse=True)) + ")"
ISSUER_TEXT = re.compile(r"\b" + OF_ISSUER, re.I)


def canonical_issuer(raw: str) -> str:
    """'ĐẢNG ĐOÀN QUỐC HỘI' -> 'Đảng đoàn Quốc hội'; 'THÀNH ỦY HÀ NỘI' -> 'Thành ủy Hà Nội'."""
    raw = re.sub(r"\s*\(.*$", "", " ".join(raw.split())).strip(" ,.;:")
    key = re.sub(r"^ban chap hanh trung uong dang$", "ban chap hanh trung uong", name_key(raw))
    if key in KNOWN_ISSUERS:
        return KNOWN_ISSUERS[key]
    if m := CONGRESS.fullmatch(raw):
        return f"Đại hội đại biểu toàn quốc lần thứ {m.group(1).upper()}"
    if raw.isupper() and " - " in raw:  # joint issuers: "BỘ KHOA HỌC VÀ CÔNG NGHỆ - BỘ THÔNG TIN VÀ TRUYỀN THÔNG"
        return " - ".join(canonical_issuer(part) for part in raw.split(" - "))
    return _proper_case(raw) if raw.isupper() else raw


def _proper_case(raw: str) -> str:
    words = raw.lower().split()
    if name_key(words[0]) == "bo" and len(words) > 1:  # ministries: Bộ Khoa học và Công nghệ, Bộ Văn hóa, Thể thao…
        segments = re.split(r"( và |, | - )", " ".join(words[1:]))
        return "Bộ " + "".join(seg if i % 2 else seg[:1].upper() + seg[1:] for i, seg in enumerate(segments))
    if len(words) > 2 and name_key(words[1]) in ("uy", "bo"):  # Thành ủy Hà Nội, Đảng bộ tỉnh Thanh Hóa
        rest = words[2:]
        admin = 2 if name_key(" ".join(rest[:2])) == "thanh pho" else int(name_key(rest[0]) in ("tinh", "huyen", "quan"))
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


def heading_type(line: str) -> str:
    upper = line.rstrip(":").strip()
    for name in _HEADING_ORDER:
        if upper.upper().startswith(name) and (upper.isupper() or upper.upper() == name):
            rest = upper[len(name):]
            if not rest or rest[0] == " ":
                return HEADING_TYPES[name]
    return ""
