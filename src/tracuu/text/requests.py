"""A request for a quotation at the head of a query ("tìm câu hay về …", "trích giúp câu coi …", "cần một câu nói
…"): those words ask for a kind of result, not for content, so retrieval reads only what follows them.

Writers type such frames; the documents never contain them, so BM25 spends weight on "tìm", "câu", "hay" and the
encoder reads a request instead of the theme. Measured on party-paraphrase-dev (bench/README.md, "Request frames").
Matched on the folded lower-case query, so typed with or without diacritics alike.
"""
from __future__ import annotations

import re

from tracuu.text.analyzer import fold_aligned, nfc

_POLITE = r"(?:(?:hay|vui long|lam on|nho|xin)\s+)?"
_VERB = r"(?:tim|trich|can|cho|xin|lay|kiem|goi y|dua|neu)"
_FOR_WHOM = r"(?:\s+(?:giup|ho|cho|toi|minh|em|anh|chi|voi|di|ra|duoc|dum|giup do))*"
_HOW_MANY = r"(?:\s+(?:mot|vai|may|nhung|cac|it|mot vai|mot so))?"
# What is asked for. "cau"/"doan"/"loi" are sentences, passages and sayings; "y" only with a connector below, since
# "cho ý kiến về dự thảo" is a request for opinions, not for a quotation.
_THING = r"(?:cau|doan|loi|trich dan|doan trich|cau trich|y)"
_KIND = r"(?:\s+(?:trich|noi|hay|van(?! ban)|dan|tieu bieu|ngan|gon|dat|nao|nhat|mau|nhan dinh|khang dinh|de trich))*"
_ABOUT = (r"(?:ve|coi|noi ve|noi len|rang|la|the hien|khang dinh|nhan manh|ca ngoi|cho thay|ve viec|ve chuyen|"
          r"lien quan den|lien quan toi|de noi ve|de noi|noi)")
# Either a connector follows (… câu về X), or the thing has a kind (… câu nói X, … câu hay X) and the theme follows.
_FRAME = re.compile(
    rf"^\s*{_POLITE}{_VERB}{_FOR_WHOM}{_HOW_MANY}\s+"
    rf"(?:{_THING}{_KIND}\s+{_ABOUT}\b|(?:cau|doan|loi){_KIND.replace('*', '+')}\b)"
    rf"|^\s*{_POLITE}(?:tim|trich|can|xin|lay){_FOR_WHOM}{_HOW_MANY}\s+(?:cau|doan|loi)\b(?!\s+(?:tra loi|hoi|van ban))"
    rf"|^\s*(?:co\s+)?(?:cau|doan|loi)\s+nao(?:\s+(?:noi|de cap|viet|nhac))*\s+(?:ve|toi|den|rang)\b")
_MIN_LEFT = 2  # the theme keeps at least two syllables; "tìm câu hay" alone stays as typed


def split_request(query: str) -> tuple[str, str]:
    """(the request frame, the rest): ("tìm câu hay về", "lòng tự tôn dân tộc"); ("", query) when there is none."""
    text = nfc(query)
    m = _FRAME.match(fold_aligned(text))
    if m is None:
        return "", query
    rest = text[m.end():].strip(" \t:,-–")
    if len(rest.split()) < _MIN_LEFT:
        return "", query
    return text[:m.end()].strip(), rest
