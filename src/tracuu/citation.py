"""Ready-to-paste Vietnamese citation lines: "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị, mục III.2"."""
from __future__ import annotations

import re
from pathlib import PurePath

from tracuu.cut import cut
from tracuu.results import BODY, Citation, DocumentInfo, Passage, Sentence

# Type codes of Party and State documents (VIETNAMESE.md §6), used when the parser gave a code but no name.
TYPE_NAMES = {
    "NQ": "Nghị quyết", "KL": "Kết luận", "CT": "Chỉ thị", "QĐ": "Quyết định", "QĐi": "Quy định",
    "HD": "Hướng dẫn", "TB": "Thông báo", "BC": "Báo cáo", "KH": "Kế hoạch", "CTr": "Chương trình",
    "ĐA": "Đề án", "TTr": "Tờ trình", "TT": "Thông tri", "QC": "Quy chế", "NĐ": "Nghị định", "L": "Luật",
}
TITLE_CHARS = 90
# A .jsonl corpus of laws keeps one article per line and says which (ALQAC: "law_id", "article_id"); the line's
# text then numbers only its clauses ("1.", "a)"), so those are khoản and điểm of that article, not mục.
LAW_KEYS = ("law_id", "law")
ARTICLE_KEYS = ("article_id", "article")

# Section labels as the splitter writes them: "III- NHIỆM VỤ", "2. Hoàn thiện…", "2.1- Đổi mới…", "c) Tổ đảng…",
# "Điều 5. …", "Chương II", "Phần thứ nhất", "B- ĐỊNH HƯỚNG…", "I Đến năm 2030" (table group rows).
_ARTICLE = re.compile(r"^(Điều|ĐIỀU)\s+(\d+[a-zđ]?)\b")
_CHAPTER = re.compile(r"^(Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b")
_PART = re.compile(r"^(?:Phần|PHẦN)\s+(thứ\s+\S+|[IVXLC]+|\d+|[A-Z])\b", re.IGNORECASE)
_ROMAN = re.compile(r"^([IVXLC]+)(?:\s*[-.–)]|\s+(?=[A-ZĐÀ-Ỹ]))")
_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\s*[-.–)]?(?=\s|$)")
_LETTER_UPPER = re.compile(r"^([A-ZĐ])\s*[-.–]\s")
_LETTER = re.compile(r"^([a-zđ])\s*[).]\s")
_MARKUP = re.compile(r"[\\*_#>]+")
_NOT_ROMAN = {"C", "D", "L", "M"}  # "C- …" heads a part (A, B, C), not item 100


def cite(document: DocumentInfo, passage: Passage, sentence: Sentence | None = None) -> Citation:
    """The citation of a passage (or of one of its sentences: then the offsets are the sentence's)."""
    meta = document.metadata or {}
    locator = locator_of(passage.section, article=first_of(meta, ARTICLE_KEYS))
    law = first_of(meta, LAW_KEYS)
    kind = passage.kind if passage.kind != BODY or document.official else "commentary"
    if kind != BODY:
        # Never under the name of the document it comments on or introduces: it says what it is and where it is.
        parts = [_not_official_head(document, kind)]
        locator = locator if kind == "commentary" else ""
    elif law and not meta.get("number"):
        parts = [whole(law)]  # "Luật Trọng tài thương mại 2010, Điều 42, khoản 1"
    elif meta.get("kind") == "news" or (meta.get("publisher") and not meta.get("number")):
        parts = [_news_head(document, meta)]
    else:
        parts = [_official_head(document, meta)]
    if locator:
        parts.append(locator)
    if passage.page:
        parts.append(f"tr. {passage.page}")
    start, end = (sentence.char_start, sentence.char_end) if sentence else (passage.char_start, passage.char_end)
    return Citation(document.id, document.source, passage.section_path, passage.page, start, end,
                    ", ".join(p for p in parts if p), locator=locator, kind=kind)


def _not_official_head(document: DocumentInfo, kind: str) -> str:
    file = PurePath(document.source or document.id.split("#")[0]).name
    if kind == "commentary":
        return f"Bình luận của người biên soạn ({'kèm tệp' if '#' in document.id else 'tệp'} {file})"
    return f"Lời giới thiệu của trang đăng tải, không thuộc nội dung văn bản (tệp {file})"


def first_of(meta: dict, keys: tuple[str, ...]) -> str:
    """The first of `keys` that `meta` gives a value, as text ("" if none)."""
    return next((str(meta[k]).strip() for k in keys if meta.get(k) not in (None, "")), "")


def locator_of(section: tuple[str, ...] | list[str], article: str = "") -> str:
    """'mục III.2' from ("III- NHIỆM VỤ, GIẢI PHÁP", "2. Hoàn thiện…"); 'Điều 5, khoản 2, điểm a' for laws.
    `article`: the article the whole document is (a .jsonl line's metadata), when its text does not say."""
    part = ""
    numbers: list[str] = []
    letter = ""
    for raw in section:
        label = _MARKUP.sub("", raw).strip()
        if m := _ARTICLE.match(label):
            article, numbers, letter = m.group(2), [], ""
        elif _CHAPTER.match(label):
            continue  # an article number is unique in its law; chapters only lengthen the line
        elif m := _PART.match(label):
            part, numbers, letter = m.group(1), [], ""
        elif (m := _ROMAN.match(label)) and m.group(1) not in _NOT_ROMAN:
            numbers, letter = [m.group(1)], ""
        elif (m := _LETTER_UPPER.match(label)) and not article:
            part, numbers, letter = m.group(1), [], ""
        elif m := _NUMBER.match(label):
            number = m.group(1)
            # "2.1" under "2" replaces it; a plain "2" follows its Roman parent.
            while numbers and not number.startswith(numbers[-1] + ".") and "." in number and \
                    numbers[-1][0].isdigit():
                numbers.pop()
            if numbers and "." in number and number.startswith(numbers[-1] + "."):
                numbers[-1] = number
            else:
                numbers.append(number)
            letter = ""
        elif m := _LETTER.match(label):
            letter = m.group(1)
    out = []
    if part:
        out.append(f"phần {part}")
    if article:
        out.append(f"Điều {article}")
        out += [f"khoản {n}" for n in numbers[:1]]
    elif numbers:
        out.append("mục " + ".".join(numbers))
    if letter:
        out.append(f"điểm {letter}")
    return ", ".join(out)


def type_name(meta: dict) -> str:
    if meta.get("doc_type_name"):
        return str(meta["doc_type_name"])
    code = meta.get("doc_type") or _type_from_number(str(meta.get("number", "")))
    return TYPE_NAMES.get(str(code), "")


def _type_from_number(number: str) -> str:
    # Party style "57-NQ/TW" (type after the hyphen), State style "03/NQ-CP" or "155/2020/NĐ-CP" (before it).
    m = re.match(r"^\d+-([^/]+)/", number) or re.search(r"/([^/-]+)-[^/]+$", number)
    return m.group(1) if m else ""


def vn_date(iso: str, *, padded: bool = True) -> str:
    """'2024-12-22' -> '22/12/2024' (news style without zero padding: '22/4/2021'); other forms pass through."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(iso).strip())
    if not m:
        return str(iso)
    y, mo, d = m.groups()
    return f"{int(d):02d}/{int(mo):02d}/{y}" if padded else f"{int(d)}/{int(mo)}/{y}"


def number_head(meta: dict) -> str:
    """"Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ" from a document's metadata ("" without a number)."""
    return _official_head(None, meta) if meta.get("number") else ""


def _official_head(document: DocumentInfo | None, meta: dict) -> str:
    number, name = meta.get("number"), type_name(meta)
    if meta.get("annex") and (meta.get("parent_citation") or meta.get("attached_to")):
        # The parent's name when it is in the index; else the "Kèm theo" line as the annex gives it.
        return f"Phụ lục {meta['annex']} kèm theo {meta.get('parent_citation') or meta['attached_to']}"
    if number:
        head = f"{name} số {number}" if name else f"Văn bản số {number}"
    elif meta.get("title"):
        head = whole(str(meta["title"]))
    elif document is None:
        return ""
    else:
        return display_title(document, limit=None)
    if meta.get("date"):
        head += f" ngày {vn_date(meta['date'])}"
    issuer = meta.get("issuer")
    if issuer and str(issuer).casefold() not in head.casefold():
        head += f" của {issuer}"
    return head


def _news_head(document: DocumentInfo, meta: dict) -> str:
    parts = [str(meta.get("publisher") or "")]
    if meta.get("date"):
        parts.append(vn_date(meta["date"], padded=False))
    title = " ".join(str(meta.get("title") or document.title or "").split())
    if title and not title.endswith("…"):
        parts.append(f"“{title}”")
    elif meta.get("author"):  # no headline, only a lead cut for display: the by-line names the article instead
        parts.append(f"bài của {meta['author']}")
    return ", ".join(p for p in parts if p) or display_title(document, limit=None)


def display_title(document: DocumentInfo, limit: int | None = TITLE_CHARS) -> str:
    """The title, unless it is a letterhead line in capitals ("ĐẢNG CỘNG SẢN VIỆT NAM"): then the file name.
    Cut at a word with "…" to `limit` characters for a UI; citations pass None (a citation is never cut)."""
    title = _MARKUP.sub("", document.title or "").strip()
    if not title or (title.isupper() and len(title.split()) <= 8):
        return PurePath(document.source or document.id).name or document.id
    return whole(title) if limit is None else clip(title, limit)


def whole(text: str) -> str:
    """A title as a citation gives it: whole, on one line. A title the parser had to cut (over 200 characters,
    ending "…") loses the mark: it was cut at a word, and "…" belongs to a UI, not to a pasted citation."""
    return " ".join(text.split()).rstrip("…").rstrip(" ,;:")


def clip(text: str, limit: int = TITLE_CHARS) -> str:
    return cut(text, limit)
