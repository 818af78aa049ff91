"""Party and State abbreviations: both directions, no blind firing on Vietnamese words, symbols, learned definitions."""
from collections import Counter

import pytest

from tracuu.text.abbreviations import (ENTRIES, compact, expand_query, is_folded_syllable, is_initials,
                                      learn_definitions, rewrite_query)

from helpers import CORPUS_FILES


def test_table_keys_do_not_collide():
    keys = Counter(key for e in ENTRIES for key in {compact(form) for form in e.forms})
    assert [k for k, n in keys.items() if n > 1] == []


def test_bcd_and_ban_chi_dao_both_ways():
    for query in ["BCĐ họp phiên thứ nhất", "BCD hop phien thu nhat", "bcd hop phien thu nhat"]:
        assert "Ban Chỉ đạo" in expand_query(query), query
    for query in ["Ban Chỉ đạo họp phiên thứ nhất", "ban chi dao hop phien thu nhat", "Ban chỉ đạo"]:
        assert "BCĐ" in expand_query(query), query


def test_accented_query_words_must_match_with_their_tones():
    assert "BCĐ" not in expand_query("ban chí đảo")
    assert "HĐH" in expand_query("hiện đại hoá đất nước")  # old tone placement still matches


def test_bct_question_gets_bo_chinh_tri():
    expanded = expand_query("BCT yêu cầu gì về nhận thức chuyển đổi số của cấp ủy")
    assert "Bộ Chính trị" in expanded
    assert rewrite_query("BCT yêu cầu gì") == "Bộ Chính trị yêu cầu gì"


def test_tu_is_ambiguous_and_gives_both():
    assert expand_query("Văn phòng TU") == ["Tỉnh ủy", "Thành ủy"]
    assert {"Tỉnh ủy", "Thành ủy"} <= set(expand_query("Nghị quyết số 15-NQ/TU"))
    assert rewrite_query("Văn phòng TU") == "Văn phòng TU"  # ambiguous: left for the expansions


@pytest.mark.parametrize("query", ["tu chính hiến pháp", "ct", "kh", "tt", "tu", "ai chủ trì phiên họp thứ nhất",
                                   "hu hong", "ct 5 năm", "kh tt"])
def test_lower_case_vietnamese_words_do_not_expand(query):
    assert expand_query(query) == []


def test_two_letter_document_types_need_a_number_or_symbol():
    assert expand_query("CT") == [] and expand_query("TT") == [] and expand_query("KH") == []
    assert "chỉ thị" in expand_query("CT/TW")
    assert expand_query("05-CT/TW") == ["chỉ thị", "Trung ương"]
    assert "chỉ thị" in expand_query("CT 05")
    assert "nghị quyết" in expand_query("nq57")


def test_party_symbols_expand_type_and_issuer():
    assert expand_query("57-NQ/TW") == ["nghị quyết", "Trung ương"]
    assert expand_query("Kế hoạch 3260-KH/ĐĐQH15") == ["Đảng đoàn Quốc hội khóa XV"]
    assert expand_query("3260-KH/ĐĐQH15")[0] == "kế hoạch"
    assert expand_query("08-QĐi/TW")[0] == "quy định"  # QĐi is quy định, not quyết định
    assert expand_query("05-TT/TW")[0] == "thông tri"


def test_state_symbols_expand_type_and_issuers():
    assert expand_query("155/2020/NĐ-CP") == ["nghị định", "Chính phủ"]
    assert expand_query("01/2020/TT-BTC")[0] == "thông tư"  # State TT is thông tư
    assert expand_query("Số: 04/TTr-BKHCN-BTTTT") == ["tờ trình", "Bộ Khoa học và Công nghệ",
                                                    "Bộ Thông tin và Truyền thông"]
    assert rewrite_query("03/NQ-CP của Chính phủ") == "03/NQ-CP của Chính phủ"


def test_compounds_and_their_parts():
    for query in ["KH,CN", "KH&CN", "KHCN", "kh,cn"]:
        assert expand_query(query) == ["khoa học, công nghệ"], query
    assert expand_query("KH,CN, ĐMST") == ["khoa học, công nghệ, đổi mới sáng tạo"]
    assert expand_query("kt-xh") == ["kinh tế - xã hội"]
    assert expand_query("CNH-HĐH") == ["công nghiệp hóa, hiện đại hóa"]
    assert rewrite_query("Bộ Chính trị, KH,CN và ĐMST") == "Bộ Chính trị, khoa học, công nghệ và đổi mới sáng tạo"
    assert rewrite_query("UBND TP. Hà Nội") == "Ủy ban nhân dân thành phố Hà Nội"


def test_reverse_skips_two_letter_abbreviations():
    # "TU" would match tu/tư/tự in the folded field
    assert expand_query("Bí thư Thành ủy Hà Nội") == []
    assert expand_query("Nghị quyết số 57 về khoa học") == ["57-NQ"]


def test_is_syllable():
    assert is_folded_syllable("tu") and is_folded_syllable("ai") and is_folded_syllable("nghiêng")
    assert not any(is_folded_syllable(w) for w in ["ct", "bcd", "ubnd", "hdnd", "tw", "kh"])


def test_learn_definitions_validates_initials():
    text = ("Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số (BCĐ) "
            "đã họp. Phát triển đổi mới sáng tạo (ĐMST). Bộ Khoa học và Công nghệ (BKHCN) chủ trì. "
            "Dự án Luật Năng lượng nguyên tử (sửa đổi). Đóng góp của năng suất các nhân tố tổng hợp (TFP). "
            "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị (sau đây gọi tắt là Nghị quyết 57).")
    got = learn_definitions(text)
    assert got["BCĐ"] == {"Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển "
                          "đổi số"}
    assert got["ĐMST"] == {"đổi mới sáng tạo"}
    assert got["BKHCN"] == {"Bộ Khoa học và Công nghệ"}  # "và" skipped
    assert got["Nghị quyết 57"] == {"Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị"}
    # English initials that do not spell the Vietnamese words are rejected, like plain parentheticals
    assert "TFP" not in got and "sửa đổi" not in got and len(got) == 4


def test_learned_definitions_expand_queries():
    learned = learn_definitions("Thực hiện Chương trình mục tiêu quốc gia (CTMTQG) giai đoạn 2021-2025.")
    assert learned == {"CTMTQG": {"Chương trình mục tiêu quốc gia"}}
    assert expand_query("vốn CTMTQG") == []
    assert expand_query("vốn CTMTQG", learned) == ["Chương trình mục tiêu quốc gia"]
    assert expand_query("chương trình mục tiêu quốc gia", learned) == ["CTMTQG"]
    # a short form many documents define differently is ambiguous: no expansion
    many = {"BCĐLN": {"Ban Chỉ đạo A", "Ban Chỉ đạo B", "Ban Chỉ đạo C"}}
    assert expand_query("BCĐLN", many) == []


def test_learn_definitions_over_the_real_corpus():
    learned: dict[str, set[str]] = {}
    for path in CORPUS_FILES:
        for key, fulls in learn_definitions(path.read_text(encoding="utf-8")).items():
            learned.setdefault(key, set()).update(fulls)
    assert learned["UBTVQH"] == {"Ủy ban Thường vụ Quốc hội"}
    assert learned["KH,CN, ĐMST"] == {"khoa học, công nghệ, đổi mới sáng tạo"}
    # "Ban Chỉ đạo Trung ương về ... chuyển đổi số (Ban Chỉ đạo)": a short name repeating the head of the name
    assert learned["Ban Chỉ đạo"] == {"Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo "
                                      "và chuyển đổi số"}
    assert any(f.startswith("Nghị quyết số 57-NQ/TW") for f in learned["Nghị quyết số 57-NQ/TW"])
    for rejected in ["TFP", "TEP", "IoT", "R&D", "GDP", "FDI", "PPP", "HDI", "AI", "sửa đổi", "nếu có",
                     "Cương lĩnh năm 1991"]:
        assert rejected not in learned, rejected
    assert "Ủy ban Thường vụ Quốc hội" in expand_query("UBTVQH", learned)


def test_initials_are_told_from_foreign_words_numerals_and_numbers():
    assert all(is_initials(w) for w in ["ubnd", "UBND", "đbqh", "cmnd", "hssv", "GDP"])
    assert not any(is_initials(w) for w in ["covid", "online", "xiii", "2045", "5g", "nhân", "tài", "Việt"])
