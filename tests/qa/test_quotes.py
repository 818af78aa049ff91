"""`quotes`: verbatim, self-contained, diverse quotable sentences with citations, and metadata filters."""
from __future__ import annotations

from dataclasses import replace

import pytest

from tracuu.text.analyzer import fold
from tracuu.qa.evidence import plain
from tracuu.errors import InvalidQueryError
from tracuu.qa.quotes import DANGLING, MAX_WORDS, MIN_WORDS, _allowed, quotable
from tracuu.results import DocumentInfo

TOPICS = ["chuyển đổi số", "đoàn kết toàn dân tộc", "phòng chống tham nhũng", "đổi mới sáng tạo",
          "xây dựng Đảng trong sạch vững mạnh", "nhân tài khoa học", "học tập quán triệt nghị quyết"]




@pytest.mark.parametrize("topic", TOPICS)
def test_quotes_are_verbatim_self_contained_and_diverse(shared_index, topic):
    found = shared_index.quotes(topic, 5)
    assert 1 <= len(found) <= 5  # fewer than asked when fewer carry the theme
    theme = set(fold(topic).lower().split())
    for q in found:  # each carries most of the theme's words
        assert len(theme & set(fold(plain(q.text)).lower().replace(",", " ").split())) >= len(theme) / 2, q.text
    for q in found:
        assert q.text == shared_index.document_text(q.document.id)[q.char_start:q.char_end]
        assert q.to_dict()["quote"] == q.text and q.citation.text
        words = plain(q.text).split()
        assert MIN_WORDS <= len(words) <= MAX_WORDS, q.text
        head = fold(plain(q.text)).lower()
        assert not any(head.startswith(d + " ") for d in DANGLING), q.text
        assert "|" not in q.text and not q.text.rstrip().endswith(":")
    assert len({q.passage_id for q in found}) == len(found)  # at most one per passage
    docs = [q.document.id for q in found]
    assert max(docs.count(d) for d in docs) <= 2  # at most two per document
    assert len({fold(plain(q.text)) for q in found}) == len(found)


def test_quoted_speech_is_cut_at_the_quotation_marks_with_its_speaker(shared_index):
    found = shared_index.quotes("kết quả Đảng bộ Thủ đô nhiệm kỳ qua", 5)
    speech = [q for q in found if q.speaker]
    assert speech, [q.text for q in found]
    q = speech[0]
    assert q.speaker == "Tổng Bí thư Nguyễn Phú Trọng"
    assert q.text.startswith("Những kết quả đạt được") and q.text.endswith("của cả nước")
    assert q.to_dict()["speaker"] == q.speaker


def test_official_documents_come_first_when_known(shared_index):
    found = shared_index.quotes("chuyển đổi số khoa học công nghệ", 5)
    kinds = [q.document.metadata.get("kind", "official") for q in found]
    if "news" in kinds and "official" in kinds:
        assert kinds.index("official") < kinds.index("news")


@pytest.mark.parametrize("text", [
    "Đó là nhiệm vụ trọng tâm, xuyên suốt của cả hệ thống chính trị trong suốt nhiệm kỳ tới đây.",
    "Trên cơ sở đó, các cấp uỷ cần xây dựng chương trình hành động cụ thể, sát với tình hình thực tế.",
    "Điều này đòi hỏi cán bộ, đảng viên phải nêu gương, đi đầu trong việc thực hiện nhiệm vụ chính trị.",
    "Và các cơ quan, đơn vị phải chủ động triển khai kịp thời, đồng bộ, hiệu quả các nhiệm vụ được giao.",
    "NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU TRONG NHIỆM KỲ ĐẠI HỘI XIII CỦA ĐẢNG CỘNG SẢN VIỆT NAM",
    "Tập trung triển khai tốt các nội dung sau đây trong toàn bộ hệ thống chính trị từ trung ương:",
    "Phát triển kinh tế nhanh, bền vững.",
    "12 | Tỉ lệ giao dịch không dùng tiền mặt đạt trên tám mươi phần trăm trong tổng giao dịch | % | 80",
])
def test_not_quotable(text):
    assert not quotable(text)


def test_quotable():
    assert quotable("Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng "
                    "hàng đầu, là động lực chính để phát triển nhanh lực lượng sản xuất hiện đại.")


DOCS = [
    DocumentInfo("nq57", "nq57.md", "", "md", "h", 1, {"doc_type": "NQ", "doc_type_name": "Nghị quyết",
                                                       "issuer": "Bộ Chính trị", "date": "2024-12-22"}),
    DocumentInfo("kl69", "kl69.md", "", "md", "h", 1, {"doc_type": "KL", "issuer": "Bộ Chính trị",
                                                       "date": "2024-01-11"}),
    DocumentInfo("nq03", "nq03.md", "", "md", "h", 1, {"doc_type": "NQ", "issuer": "Chính phủ", "date": "2025-01-09"}),
    DocumentInfo("bao", "bao.txt", "", "txt", "h", 1, {"doc_type": "news", "kind": "news"}),
]


def test_filters_by_type_issuer_and_date():
    assert _allowed(DOCS, None, None, None, None) is None
    assert _allowed(DOCS, "NQ", None, None, None) == ["nq57", "nq03"]
    assert _allowed(DOCS, "nghi quyet", None, None, None) == ["nq57"]  # by name, without diacritics
    assert _allowed(DOCS, None, "Bộ Chính trị", None, None) == ["nq57", "kl69"]
    assert _allowed(DOCS, None, "chinh phu", None, None) == ["nq03"]
    assert _allowed(DOCS, None, None, "2024-06-01", None) == ["nq57", "nq03"]  # undated news is left out
    assert _allowed(DOCS, "NQ", "Bộ Chính trị", "2024-01-01", "2024-12-31") == ["nq57"]
    assert _allowed(DOCS, "CT", None, None, None) == []
    assert _allowed(DOCS, None, None, "01/06/2024", None) == ["nq57", "nq03"]  # day first, as people write it
    with pytest.raises(InvalidQueryError):
        _allowed(DOCS, None, None, "2024-02-30", None)


def test_filters_reach_the_results(shared_index, monkeypatch):
    found = shared_index.quotes("chuyển đổi số", 5, doc_type="KL")
    assert found and {q.document.metadata.get("doc_type") for q in found} == {"KL"}
    found = shared_index.quotes("chuyển đổi số", 5, issuer="Chính phủ", date_from="2025-01-01")
    assert found and all(q.document.metadata["issuer"] == "Chính phủ" for q in found)
    assert shared_index.quotes("chuyển đổi số", 5, date_to="1990-01-01") == []
    # Metadata as a future parser might give it: the filters read only DocumentInfo.metadata.
    docs = [replace(d, metadata={}) for d in shared_index.documents()]
    monkeypatch.setattr(shared_index, "documents", lambda: docs)
    assert shared_index.quotes("chuyển đổi số", 5, doc_type="NQ") == []
