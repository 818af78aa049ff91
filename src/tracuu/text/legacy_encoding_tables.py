"""Code tables of the legacy Vietnamese encodings (TCVN3, VNI, VISCII) and the spelling rules of a syllable."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Tone marks in the order the tables below list them: huyền, hỏi, ngã, sắc, nặng.
TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _toned(vowel: str) -> list[str]:
    return [_nfc(vowel + tone) for tone in TONES]


# TCVN 5712:1993, level VN3 (the ABC / .VnTime fonts): one byte per letter, lowercase toned vowels only.
# Bytes are those of the standard; glibc's TCVN5712-1 (VN1, a superset) agrees on every one of them.
_TCVN3_TONED = {
    "a": "b5 b6 b7 b8 b9", "ă": "bb bc bd be c6", "â": "c7 c8 c9 ca cb", "e": "cc ce cf d0 d1",
    "ê": "d2 d3 d4 d5 d6", "i": "d7 d8 dc dd de", "o": "df e1 e2 e3 e4", "ô": "e5 e6 e7 e8 e9",
    "ơ": "ea eb ec ed ee", "u": "ef f1 f2 f3 f4", "ư": "f5 f6 f7 f8 f9", "y": "fa fb fc fd fe",
}
TCVN3: dict[int, str] = dict(zip(range(0xA1, 0xAF), "ĂÂÊÔƠƯĐăâêôơưđ"))
for _vowel, _codes in _TCVN3_TONED.items():
    TCVN3.update({int(code, 16): letter for code, letter in zip(_codes.split(), _toned(_vowel))})

# VISCII 1.1 (RFC 1456): ASCII, six C0 controls reused for capitals, and 0x80-0xFF all letters.
_VISCII_HIGH = ("ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲÕắằặấầẩậẽẹếềểễệốồổỗỠƠộờởịỰỨỪỬơớƯ"
                "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳĐứÒÓÔạỷừửÙÚỹỵÝỡưàáâãảăữẫèéêẻìíĩỉđựòóôõỏọụùúũủýợỮ")
VISCII: dict[int, str] = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}
VISCII.update({0x80 + i: letter for i, letter in enumerate(_VISCII_HIGH)})

# VNI-Windows (VNI-Times...): an ASCII base letter followed by one mark byte; capitals take the capital mark.
# Marks by tone order (TONES): plain vowel, after â/ê/ô (circumflex), after ă (breve).
_VNI_TONE = "øûõùï"
_VNI_CIRCUMFLEX_TONE = "àåãáä"
_VNI_BREVE_TONE = "èúüéë"
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "í": "í", "ị": "ò"}


def _vni_lower() -> dict[str, str]:
    """Unicode lowercase letter -> its VNI form, for every non-ASCII Vietnamese letter."""
    table = dict(_VNI_SINGLE)
    table.update({"â": "aâ", "ê": "eâ", "ô": "oâ", "ă": "aê"})
    for vowel in "aeouy":
        table.update(zip(_toned(vowel), (vowel + mark for mark in _VNI_TONE)))
    for vowel, base in (("ơ", "ô"), ("ư", "ö")):
        table.update(zip(_toned(vowel), (base + mark for mark in _VNI_TONE)))
    for vowel, base in (("â", "a"), ("ê", "e"), ("ô", "o")):
        table.update(zip(_toned(vowel), (base + mark for mark in _VNI_CIRCUMFLEX_TONE)))
    table.update(zip(_toned("ă"), ("a" + mark for mark in _VNI_BREVE_TONE)))
    return table


VNI_ENCODE: dict[str, str] = {}
for _letter, _form in _vni_lower().items():
    VNI_ENCODE[_letter] = _form
    VNI_ENCODE[_letter.upper()] = _form.upper()


def surface_table(encoding: str) -> dict[str, str]:
    """What the text of a legacy file shows (its bytes read as Latin-1 or Windows-1252) -> Unicode."""
    if encoding == "vni":
        table = {form: letter for letter, form in VNI_ENCODE.items() if form != letter}
        # Some VNI texts put a small mark after a capital base: accept it too.
        table.update({form[0] + form[1].lower(): letter for letter, form in VNI_ENCODE.items()
                      if len(form) == 2 and form[0].isupper() and form[0] + form[1].lower() not in table})
        return table
    codes = TCVN3 if encoding == "tcvn3" else VISCII
    table = {chr(code): letter for code, letter in codes.items() if chr(code) != letter}
    for code, letter in codes.items():  # the same bytes read as Windows-1252 (0x80-0x9F differ)
        try:
            table.setdefault(bytes([code]).decode("cp1252"), letter)
        except UnicodeDecodeError:
            pass
    return table


# The letters a Vietnamese text may hold beyond ASCII: 67 lowercase and 67 capitals.
LETTERS = "".join(sorted({letter for table in (TCVN3, VISCII) for letter in table.values()} | set(VNI_ENCODE)))

# Spelling: onset + rime (tone removed). Rimes are written as they appear after the onset.
ONSETS = ("ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
          "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_CODAS = {
    "a": "m n ng nh p t c ch", "ă": "m n ng p t c", "â": "m n ng p t c", "e": "m n ng p t c",
    "ê": "m n nh p t ch", "i": "m n nh p t ch", "o": "m n ng p t c", "ô": "m n ng p t c", "ơ": "m n p t",
    "u": "m n ng p t c", "ư": "m n ng t c", "iê": "m n ng p t c u", "yê": "m n ng t u", "uô": "m n ng t c i",
    "ươ": "m n ng p t c i u", "oa": "m n ng nh p t c ch i y o", "oă": "m n ng t c", "oe": "n ng t o",
    "uâ": "n ng t y", "uê": "nh ch", "uy": "n nh t ch p u a", "uyê": "n t", "oo": "ng c",
}
_OPEN = "a e ê i y o ô ơ u ư ia ua ưa oa oe uê uy uơ ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu"
RIMES = frozenset(_OPEN.split()) | {nucleus + coda for nucleus, codas in _CODAS.items() for coda in codas.split()}
STOP_CODAS = ("p", "t", "c", "ch")  # a syllable closed by a stop takes only sắc or nặng
FRONT = "ieêy"  # k, gh, ngh come only before these; c, g, ng never do


def _toneless(word: str) -> tuple[str, str]:
    """(word without its tone mark, the tone mark or ""), lowercase; tone "?" when it has two tones."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in TONES]
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES))
    return bare, (tones[0] if len(tones) == 1 else "?" if tones else "")


@lru_cache(maxsize=1 << 16)  # documents repeat their words
def is_syllable(word: str) -> bool:
    """Whether `word` is a possible Vietnamese syllable: onset, rime and tone that spelling allows."""
    bare, tone = _toneless(word)
    if tone == "?" or not bare:
        return False
    for onset in ONSETS:
        if not bare.startswith(onset):
            continue
        rime = bare[len(onset):]
        if onset == "gi":
            rimes = (rime, "i" + rime) if rime else ("i",)
        elif onset == "qu":
            rimes = (rime, "u" + rime) if rime else ()
        else:
            rimes = (rime,)
        for candidate in rimes:
            if candidate not in RIMES:
                continue
            if onset in ("k", "gh", "ngh") and candidate[0] not in FRONT:
                continue
            if onset in ("c", "g", "ng") and candidate[0] in FRONT:
                continue
            if candidate.endswith(STOP_CODAS) and tone not in (TONES[3], TONES[4]):
                continue
            return True
    return False
