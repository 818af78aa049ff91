"""Legacy Vietnamese encodings (TCVN3, VNI, VISCII): detect, convert to Unicode NFC, and report broken text."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

from tracuu.text.legacy_encoding_tables import LETTERS, TCVN3, VISCII, VNI_ENCODE, is_syllable, surface_table

ENCODINGS = ("tcvn3", "vni", "viscii")
NAMES = {"tcvn3": "TCVN3", "vni": "VNI", "viscii": "VISCII"}
_MIN_CHANGED = 3  # words a conversion must change before statistics may speak
_MIN_VALID_AFTER = 0.6  # share of the changed words that must be Vietnamese after conversion
_MIN_GAIN = 0.4  # ... and how much better than before


@cache
def _compiled(encoding: str) -> tuple[dict[str, str], re.Pattern[str], frozenset[str]]:
    table = surface_table(encoding)
    pattern = re.compile("|".join(re.escape(key) for key in sorted(table, key=len, reverse=True)))
    marks = frozenset(ch for key in table for ch in key if ord(ch) > 0x7F or ord(ch) < 0x20)
    return table, pattern, marks


# A PDF set in .VnTime may give U+2212 for the byte 0xAD (ư) and U+2219 for 0xB7 (ã): glyph names, not bytes.
_TCVN3_GLYPHS = re.compile(r"(?<=[^\W\d_])[\u2212\u2219]|[\u2212\u2219](?=[^\W\d_])")


def convert(text: str, encoding: str) -> str:
    """`text` (legacy bytes shown as Latin-1/Windows-1252 characters) converted to Unicode NFC."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}: expected one of {', '.join(ENCODINGS)}")
    if encoding == "tcvn3":
        text = _TCVN3_GLYPHS.sub(lambda m: "\xad" if m.group() == "\u2212" else "\xb7", text)
    table, pattern, _ = _compiled(encoding)
    return unicodedata.normalize("NFC", pattern.sub(lambda m: table[m.group()], text))


def encode(text: str, encoding: str) -> bytes:
    """Unicode `text` as legacy bytes: what an old editor saved. TCVN3 writes capitals with their lowercase code."""
    text = unicodedata.normalize("NFC", text)
    if encoding == "vni":
        return "".join(VNI_ENCODE.get(ch, ch) for ch in text).encode("latin-1")
    codes = TCVN3 if encoding == "tcvn3" else VISCII
    inverse = {letter: code for code, letter in codes.items()}
    out = bytearray()
    for ch in text:
        code = inverse.get(ch, inverse.get(ch.lower()) if encoding == "tcvn3" else None)
        if code is None and ord(ch) < 0x80 and ord(ch) not in codes:
            code = ord(ch)
        if code is None:
            raise ValueError(f"{ch!r} has no {NAMES[encoding]} code")
        out.append(code)
    return bytes(out)


def font_encoding(font_name: str) -> str | None:
    """The legacy encoding a font name stands for (.VnTime -> tcvn3, VNI-Times -> vni, *VISCII* -> viscii)."""
    name = re.sub(r"^/?([A-Z]{6}\+)?", "", str(font_name)).strip().lower()
    if re.match(r"[._]vn|vn(time|arial|avant|century|courier|helve|univers)", name):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    if "viscii" in name:
        return "viscii"
    return None


def capitals_font(font_name: str) -> bool:
    """Whether a TCVN3 font draws every letter as a capital (.VnTimeH, .VnArialH, ... bold or not)."""
    name = re.split(r"[,\-]", re.sub(r"^/?([A-Z]{6}\+)?", "", str(font_name)))[0].strip()
    return font_encoding(name) == "tcvn3" and bool(re.search(r"[a-z]H$", name))


def _score(text: str, encoding: str) -> tuple[int, int, int]:
    """(words the conversion changes, how many of them are Vietnamese before, how many after)."""
    _, _, marks = _compiled(encoding)
    changed = before = after = 0
    words = Counter(re.findall(rf"(?:[^\W\d_]|[{re.escape(''.join(marks))}])+", text))
    for word, count in words.items():  # each distinct word once: documents repeat theirs
        if not marks.intersection(word) or (converted := convert(word, encoding)) == word:
            continue
        changed += count
        before += count * _spelled(word)
        after += count * _spelled(converted)
    return changed, before, after


def _spelled(word: str) -> bool:
    return word.isalpha() and is_syllable(word)  # a mark byte left in the word makes it no syllable


def detect(text: str, font_names: Iterable[str] = ()) -> str | None:
    """"tcvn3", "vni" or "viscii" when `text` is legacy-encoded, else None. A legacy font name decides."""
    for font in font_names:
        encoding = font_encoding(font)
        if encoding:
            return None if _already_unicode(text, encoding) else encoding
    best, best_gain = None, 0.0
    for encoding in ENCODINGS:
        changed, before, after = _score(text, encoding)
        if changed < _MIN_CHANGED or after < _MIN_VALID_AFTER * changed:
            continue
        gain = (after - before) / changed
        if gain >= _MIN_GAIN and gain > best_gain:
            best, best_gain = encoding, gain
    return best


def _already_unicode(text: str, encoding: str) -> bool:
    """Whether text set in a legacy font reads as Unicode already (a PDF with a correct ToUnicode map)."""
    changed, before, after = _score(text, encoding)
    return changed >= _MIN_CHANGED and before > after


def repair(text: str, font_names: Iterable[str] = (), encoding: str | None = None) -> tuple[str, list[str]]:
    """`text` converted to Unicode when it is legacy-encoded, with report lines (empty when nothing was done).

    `encoding`, when given, skips detection (a PDF detects once over all its pages, then repairs each page).
    """
    fonts = list(font_names)
    encoding = encoding or detect(text, fonts)
    if encoding is None:
        return text, []
    legacy_fonts = sorted({f for f in fonts if font_encoding(f)})
    how = f"nhận theo phông {', '.join(legacy_fonts)}" if legacy_fonts else "nhận theo thống kê chính tả"
    converted = convert(text, encoding)
    line = f"chuyển mã {NAMES[encoding]} → Unicode; {how}"
    if encoding == "tcvn3":
        if legacy_fonts and all(capitals_font(f) for f in legacy_fonts):
            converted = _upper(converted)
            line += "; phông chữ hoa: đã viết hoa"
        else:
            # TCVN3 has no code for a toned capital: .VnTimeH draws the lowercase codes as capitals.
            converted, restored = _restore_capitals(converted)
            line = (f"chuyển mã TCVN3 → Unicode (chữ hoa có dấu có thể bị mất); {how}"
                    + (f"; đã khôi phục {restored} chữ hoa theo ngữ cảnh" if restored else ""))
    return converted, [line]


def _upper(text: str) -> str:
    # Per character, so that offsets never move (no letter here grows when upper-cased, but be sure).
    return "".join(up if len(up := ch.upper()) == 1 else ch for ch in text)


def _restore_capitals(text: str) -> tuple[str, int]:
    """Capitals a .VnTimeH heading lost, found where the typed ASCII letters show them (counted by word).

    A word whose ASCII letters are all capitals past its first letter ("NH©N" -> "NHâN") is upper-cased; so is
    a whole line without lowercase ASCII that holds two such words ("Hµ" in "THµNH PHè Hµ NéI"). "Sè" alone,
    in "Sè: 15/NQ-TU", stays "Sè": it may be "Số".
    """
    count = 0
    out = []
    for line in text.splitlines(keepends=True):
        words = re.findall(r"[^\W\d_]+", line)
        capital = [w for w in words if not any(c.isascii() and c.islower() for c in w)
                   and any(c.isascii() and c.isupper() for c in w[1:]) and _upper(w) != w]
        if len(capital) >= 2 and not any(c.isascii() and c.islower() for c in line):
            count += sum(_upper(w) != w for w in words)
            out.append(_upper(line))
            continue
        count += len(capital)
        out.append(re.sub(r"[^\W\d_]+", lambda m: _upper(m.group()) if m.group() in capital else m.group(), line))
    text = "".join(out)
    # A sentence begins with a capital: a toned vowel opening a paragraph or following ". " lost it.
    starts = [m.start(1) for m in _SENTENCE_START.finditer(text) if m.group(1) in _TONED_LOWER]
    chars = list(text)
    for at in starts:
        chars[at] = chars[at].upper()
    return "".join(chars), count + len(starts)


_TONED_LOWER = frozenset(letter for letter in TCVN3.values() if letter.islower())
_SENTENCE_START = re.compile(r"(?:\A|\n[ \t]*\n|[.!?…][ \t]+)[\s\"'“(\-–•*]*(\w)")


def repair_runs(text: str, runs: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """`text` with the runs set in legacy fonts converted; `runs` are (run text, font name) in reading order.

    Each run is found in `text` from where the previous one ended; neighbouring runs of one encoding are
    converted together, so that a VNI letter split across two runs stays whole.
    """
    spans: list[list] = []  # [start, end, encoding, capitals, font]
    cursor = lost = 0
    for piece, font in runs:
        encoding = font_encoding(font)
        if not piece or not encoding:
            continue
        at = text.find(piece, cursor)
        if at < 0:
            lost += 1
            continue
        capitals = encoding == "tcvn3" and capitals_font(font)
        if spans and spans[-1][1] == at and spans[-1][2:4] == [encoding, capitals]:
            spans[-1][1] = at + len(piece)
        else:
            spans.append([at, at + len(piece), encoding, capitals, font])
        cursor = at + len(piece)
    out, last, lines = [], 0, []
    already = {enc for enc in {span[2] for span in spans}
               if _already_unicode("\n".join(text[a:b] for a, b, e, *_ in spans if e == enc), enc)}
    for encoding in sorted(already):
        lines.append(f"phông mã {NAMES[encoding]} nhưng chữ trích ra đã là Unicode: giữ nguyên")
    for start, end, encoding, capitals, font in (span for span in spans if span[2] not in already):
        converted = convert(text[start:end], encoding)
        out += [text[last:start], _upper(converted) if capitals else converted]
        last = end
        what = f"chuyển mã {NAMES[encoding]} → Unicode theo phông {re.sub(r'^/?([A-Z]{6}[+])?', '', font)}"
        if capitals:
            what += " (phông chữ hoa: đã viết hoa)"
        if what not in lines:
            lines.append(what)
    if lost:
        lines.append(f"{lost} đoạn đặt phông mã cũ không tìm thấy trong văn bản trích: giữ nguyên, có thể còn lỗi mã")
    return "".join(out) + text[last:], lines


def pdf_pages(reader) -> tuple[list[str], list[str]]:
    """Each page's text from a pypdf reader, legacy-encoded runs converted; and report lines.

    Runs set in a legacy font are converted by font name. With no such font, statistics decide once for the
    whole file and each page converts on its own, so that page starts stay right. A failed conversion keeps
    the page as extracted, with a report line.
    """
    pages: list[str] = []
    lines: list[str] = []
    for page in reader.pages:
        runs: list[tuple[str, str]] = []

        def visit(text, cm, tm, font, size, runs=runs) -> None:
            runs.append((text, str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""))

        text = page.extract_text(visitor_text=visit) or ""
        try:
            text, done = repair_runs(text, runs)
        except Exception as exc:  # conversion is a bonus: never lose the page for it
            done = [f"chuyển mã phông cũ thất bại trên một trang ({type(exc).__name__}): giữ nguyên văn bản trích"]
        pages.append(text)
        lines += [line for line in done if line not in lines]
    encoding = None if lines else detect("\n".join(pages))
    if encoding:
        repaired = [repair(page, encoding=encoding) for page in pages]
        pages = [page for page, _ in repaired]
        lines += list(dict.fromkeys(line for _, done in repaired for line in done))
    return pages, lines


def decode_bytes(data: bytes) -> tuple[str, list[str]] | None:
    """A legacy-encoded file's text and report, or None when its bytes are not TCVN3, VNI or VISCII."""
    surface = data.decode("latin-1")  # one character per byte, whatever the byte
    encoding = detect(surface)
    if encoding is None:
        return None
    try:  # Windows-1258 is the other 8-bit Vietnamese: take the legacy reading only if it spells better
        rival = unicodedata.normalize("NFC", data.decode("cp1258"))
        if _valid_words(rival) >= _valid_words(convert(surface, encoding)):
            return None
    except UnicodeDecodeError:
        pass
    return repair(surface, encoding=encoding)


def _valid_words(text: str) -> int:
    return sum(is_syllable(w) for w in re.findall(r"[^\W\d_]+", text) if not w.isascii())


_VIETNAMESE = frozenset("abcdeghiklmnopqrstuvxy" + LETTERS.lower())
# Latin-1 characters that sit inside words only when bytes were read with the wrong code page.
_ODD = frozenset(chr(c) for c in range(0xA1, 0x100)) - frozenset(LETTERS) - frozenset("°«»×÷·²³¹½¼¾ºª\xad")
_UTF8_AS_1252 = re.compile(r"[ÂÃÄÅÆáâ][\u0080-\u00bf\u2013-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
                           r"\u02dc\u20ac\u2122]")
_VOWELS = frozenset("aeiouy" + "".join(ch for ch in LETTERS.lower() if ch != "đ"))
_ETH = re.compile(r"(?<!\w)[Ðð]\w+")  # Icelandic Eth U+00D0 typed for Đ U+0110: looks the same, never matches
_LOST = "\ufffd"
_MIN_BROKEN = 3  # fewer broken words than this, in any share, is a typo or a foreign name


def quality_warnings(text: str) -> list[str]:
    """Report lines on text that extraction broke: U+FFFD, impossible spellings (a bad ToUnicode map), mojibake.

    Counts and a few examples; the text itself is never changed.
    """
    lines: list[str] = []
    lost = text.count(_LOST)
    if lost:
        lines.append(f"{lost} ký tự U+FFFD (ký tự bị mất khi giải mã), ví dụ: {_examples(_around(text, _LOST))}")
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text))
    # Foreign words (f, j, w, z, ü...) and vowel-less abbreviations (HĐND, ĐBQH) are no syllables to check.
    checked = [w for w in words if not w.isascii() and _VIETNAMESE.issuperset(w.lower()) and _VOWELS & set(w.lower())]
    bad = [w for w in checked if not is_syllable(w)]
    if len(bad) >= _MIN_BROKEN and len(bad) >= 0.02 * len(checked):
        lines.append(f"{len(bad)}/{len(checked)} từ có dấu sai chính tả tiếng Việt (bảng ToUnicode của PDF hỏng? "
                     f"như 'cơng', 'thơng', 'cĩ'), ví dụ: {_examples(bad)}")
    eth = _ETH.findall(text)
    if eth:
        lines.append(f"{len(eth)} chữ Ð/ð (U+00D0/U+00F0, chữ Eth) dùng thay Đ/đ (U+0110/U+0111): không khớp khi tìm "
                     f"'Đ', ví dụ: {_examples(eth)}")
    tokens = text.split()
    odd = [t for t in tokens if _UTF8_AS_1252.search(t) or any(
        ch in _ODD and i and t[i - 1].isalpha() for i, ch in enumerate(t))]
    if len(odd) >= _MIN_BROKEN and len(odd) >= 0.005 * len(tokens):
        lines.append(f"{len(odd)}/{len(tokens)} từ có dạng lỗi mã (mojibake: mã cũ hay UTF-8 đọc sai bảng mã), "
                     f"ví dụ: {_examples(odd)}")
    return lines


def _around(text: str, ch: str) -> list[str]:
    return [text[max(0, m.start() - 12):m.end() + 12].replace("\n", " ") for m in re.finditer(re.escape(ch), text)]


def _examples(items: list[str], limit: int = 5) -> str:
    return ", ".join(f"“{item}”" for item in list(dict.fromkeys(items))[:limit])
