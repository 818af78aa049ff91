"""Evidence shared by `ask` and `quotes`: the lead-in of a list, and question words said together in one clause."""
from __future__ import annotations

from tracuu.qa.evidence import QueryTerms, clause_coverage, lead_in, tokens_of

from helpers import CORPUS

NQ_XIII = (CORPUS / "nghi-quyet-dai-hoi-xiii.txt").read_text(encoding="utf-8")
TARGETS = "Định hướng các chỉ tiêu chủ yếu về phát triển kinh tế - xã hội 5 năm 2021 - 2025:"
# NQ 03/NQ-CP, point t): the question's words are all there, but in different clauses.
WEAPONS = ("t) Số hóa, thông minh hóa, hiện đại hóa vũ khí, trang bị kỹ thuật quân sự, an ninh; làm chủ vũ khí công "
           "nghệ cao dựa trên công nghệ số; tăng cường ứng dụng công nghệ số, công nghệ quốc phòng mới trong các hệ "
           "thống chỉ huy, điều hành, quản lý lực lượng vũ trang; bảo đảm vũ khí, trang bị kỹ thuật theo hướng tự "
           "động hóa, góp phần thực hiện chính quy hóa, hiện đại hóa quốc phòng, an ninh.")
SOCIAL_2025 = ("Về xã hội: Đến năm 2025, tỉ trọng lao động nông nghiệp trong tổng lao động xã hội khoảng 25%; tỉ lệ "
               "lao động qua đào tạo là 70%; tỉ lệ thất nghiệp ở khu vực thành thị năm 2025 dưới 4%; tỉ lệ tham gia "
               "bảo hiểm y tế đạt 95% dân số.")


def test_the_lead_in_of_a_list_reaches_back_over_its_earlier_items():
    for item in ("Về kinh tế: Tốc độ tăng trưởng", "Về xã hội: Đến năm 2025", "Về môi trường: Đến năm 2025"):
        assert lead_in(NQ_XIII, NQ_XIII.index(item)) == TARGETS, item
    # A sentence inside the item's paragraph has the same lead-in.
    assert lead_in(NQ_XIII, NQ_XIII.index("Đến năm 2025, GDP bình quân đầu người")) == TARGETS
    assert lead_in(NQ_XIII, NQ_XIII.index("(3) Giữ vững độc lập")).startswith("Nhiệm vụ trọng tâm")
    # A heading ends the search: the items under "1. Đến năm 2030" have no lead-in line to inherit.
    text = ("II- MỤC TIÊU\n\nMục tiêu chung:\n\nMột câu.\n\n1. Đến năm 2030\n\n"
            "- Quy mô kinh tế số đạt tối thiểu 30% GDP.")
    assert lead_in(text, text.index("- Quy mô")) == ""
    assert lead_in(text, text.index("Một câu.")) == "Mục tiêu chung:"


def test_words_scattered_over_clauses_are_weaker_evidence_than_words_said_together(shared_index):
    armed = QueryTerms.of(shared_index, "lực lượng vũ trang cần được hiện đại hóa ra sao")
    assert armed.coverage(tokens_of(shared_index, WEAPONS)) == 1.0
    assert clause_coverage(shared_index, armed, WEAPONS) < 0.85
    # "bảo hiểm" and "thất nghiệp" are in different clauses: no clause speaks of unemployment insurance.
    insurance = QueryTerms.of(shared_index, "tỉ lệ tham gia bảo hiểm thất nghiệp năm 2025")
    assert clause_coverage(shared_index, insurance, SOCIAL_2025) < insurance.coverage(tokens_of(shared_index,
                                                                                                 SOCIAL_2025)) - 0.2
    # The year of "Đến năm 2025, …;" scopes over every clause: a question said in one clause stays fully covered.
    jobless = QueryTerms.of(shared_index, "tỉ lệ thất nghiệp ở khu vực thành thị năm 2025")
    assert clause_coverage(shared_index, jobless, SOCIAL_2025) == 1.0
    # A lead-in counts in every clause of its items.
    growth = QueryTerms.of(shared_index, "chỉ tiêu tăng trưởng GDP bình quân giai đoạn 2021-2025")
    sentence = "Về kinh tế: Tốc độ tăng trưởng kinh tế (GDP) bình quân 5 năm đạt khoảng 6,5 - 7%/năm."
    assert clause_coverage(shared_index, growth, sentence, TARGETS) > clause_coverage(shared_index, growth,
                                                                                      sentence) + 0.2


def test_a_period_word_before_years_is_no_content_term(shared_index):
    # "giai đoạn 2021-2025" frames the years like "năm" does; the resolution says "5 năm 2021 - 2025".
    terms = QueryTerms.of(shared_index, "chỉ tiêu tăng trưởng GDP bình quân giai đoạn 2021-2025 theo NQ ĐH 13")
    assert not {"giai", "doan", "giai_doan"} & (set(terms.weights) | set(terms.typed))
    assert {"giai", "doan"} <= set(QueryTerms.of(shared_index, "giai đoạn mới của cách mạng").weights)


def test_the_framing_of_a_comparison_is_no_content_term(shared_index):
    # "so sánh" is the question's rarest word and no sentence of one document says it: it weighed half the question.
    terms = QueryTerms.of(shared_index,
                          "So sánh mục tiêu của Nghị quyết 57-NQ/TW và Nghị quyết 03/NQ-CP về chuyển đổi số")
    assert not {"so_sanh", "sanh"} & set(terms.weights) and {"muc", "tieu", "chuyen"} <= set(terms.weights)
    assert "sanh" in QueryTerms.of(shared_index, "sánh vai cùng các cường quốc").weights
