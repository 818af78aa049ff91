"""Congress, term and plenum numbers: Roman, Arabic and words, only in their contexts, with or without diacritics."""
import pytest

from tracuu.text.numerals import expand_query, find_numbers, from_roman, from_words, to_roman, to_words, write_out
from tracuu.text.analyzer import fold

from helpers import CORPUS

RESOLUTION_XIII = CORPUS / "nghi-quyet-dai-hoi-xiii.txt"


def test_roman_round_trip_and_rejects():
    for n in range(1, 61):
        assert from_roman(to_roman(n)) == n
        assert from_roman(to_roman(n).lower()) == n
    assert to_roman(13) == "XIII" and to_roman(17) == "XVII"
    for bad in ["IIII", "VX", "IC", "DI", "MI", "LXX", "", "vì", "Đ"]:
        assert from_roman(bad) is None, bad


def test_vietnamese_number_words():
    assert to_words(13) == "mười ba" and to_words(15) == "mười lăm" and to_words(21) == "hai mươi mốt"
    assert to_words(1, ordinal=True) == "nhất" and to_words(4, ordinal=True) == "tư" and to_words(24) == "hai mươi tư"
    for n in range(1, 61):
        assert from_words(fold(to_words(n))) == n
        assert from_words(fold(to_words(n, ordinal=True))) == n
    assert from_words("muoi bon") == 14 and from_words("hai muoi") == 20 and from_words("muoi muoi") is None


def test_congress_roman_arabic_words():
    assert expand_query("Nghị quyết Đại hội XIII") == ["Đại hội 13"]
    assert expand_query("nghi quyet dai hoi 13") == ["Đại hội XIII"]
    assert set(expand_query("Đại hội lần thứ mười ba")) == {"Đại hội 13", "Đại hội XIII"}
    assert "Đại hội lần thứ mười ba" in find_numbers("Đại hội XIII")[0].variants
    # the short form is added too: its bigram "hội_xiii" is how most passages say it
    assert expand_query("Đại hội đại biểu toàn quốc lần thứ XIII của Đảng") == ["Đại hội 13", "Đại hội XIII"]
    assert expand_query("ĐẠI HỘI ĐẠI BIỂU TOÀN QUỐC LẦN THỨ XIII") == ["Đại hội 13", "Đại hội XIII"]
    assert expand_query("Đại hội 17 Đảng bộ Thành phố") == ["Đại hội XVII"]


def test_terms_with_either_tone_placement():
    assert expand_query("khóa XVII") == ["khóa 17"]
    assert expand_query("khoá XVII") == ["khóa 17"]
    assert expand_query("khóa 17") == ["khóa XVII"]
    assert expand_query("khoa 11") == ["khóa XI"]
    assert expand_query("Quốc hội khóa XV") == ["khóa 15"]


def test_plenums():
    got = expand_query("Hội nghị Trung ương 6 khóa 11 về khoa học công nghệ")
    assert got == ["Hội nghị lần thứ sáu Ban Chấp hành Trung ương", "khóa XI"]
    assert expand_query("HỘI NGHỊ LẦN THỨ SÁU BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHOÁ XI") == [
        "Hội nghị Trung ương 6", "khóa 11"]
    assert expand_query("Hội nghị Trung ương lần thứ tám khoá XIII") == [
        "Hội nghị Trung ương 8", "Hội nghị lần thứ tám Ban Chấp hành Trung ương", "khóa 13"]
    assert "Hội nghị Trung ương 8" in expand_query("hoi nghi trung uong lan thu tam khoa xiii")


@pytest.mark.parametrize("text", [
    "V- Đại hội đồng ý đồng chí Nguyễn Phú Trọng",
    "I- Tán thành những nội dung cơ bản",
    "Về một số nhiệm vụ trọng tâm trong Quý I năm 2025",
    "PHỤ LỤC I",
    "khoa học và công nghệ",
    "Đại hội vì dân",
    "dai hoi vi dan",
    "Đại hội đồng cổ đông",
    "khóa LXX",
])
def test_no_number_outside_the_contexts(text):
    assert find_numbers(text) == []
    assert expand_query(text) == []


def test_other_ordinals_switch_only_between_digits_and_words():
    assert expand_query("kỳ họp thứ 8") == ["kỳ họp thứ tám"]
    assert expand_query("cách mạng công nghiệp lần thứ tư") == ["lần thứ 4"]


def test_real_resolution_numbers():
    text = RESOLUTION_XIII.read_text(encoding="utf-8")
    spans = find_numbers(text)
    terms = {s.value for s in spans if s.kind == "term"}
    assert terms == {12, 13}  # khoá XII and khoá XIII, nothing else
    assert {s.value for s in spans if s.kind == "congress"} >= {12, 13}
    line = next(line for line in text.splitlines() if line.startswith("V- Đại hội đồng ý"))
    assert [(s.kind, s.value) for s in find_numbers(line)] == [("term", 12), ("term", 13), ("term", 13)]


@pytest.mark.parametrize("typed, written", [
    ("ĐH13 muốn GDP tăng bao nhiêu", "Đại hội XIII muốn GDP tăng bao nhiêu"),
    ("theo NQ ĐH XIII thì", "theo NQ Đại hội XIII thì"),
    ("dh13 ve chuyen doi so", "Đại hội XIII ve chuyen doi so"),
    ("ĐH VI mở đầu đổi mới", "Đại hội VI mở đầu đổi mới"),
])
def test_a_congress_typed_short_is_written_out_for_the_encoder(typed: str, written: str):
    assert write_out(typed) == written
    assert "Đại hội 13" in expand_query(typed) or "VI" in typed


@pytest.mark.parametrize("text", ["ĐH Bách khoa Hà Nội", "điểm thi ĐH 2024", "đh vì sao", "Đại hội XIII bàn gì"])
def test_no_short_congress_where_there_is_none(text: str):
    assert write_out(text) == text


def test_the_dense_query_reads_the_congress_written_out():
    from tracuu.retrieval.query_plan import plan_query
    from tracuu.text.analyzer import Analyzer
    plan = plan_query("ĐH13 muốn GDP tăng bao nhiêu mỗi năm", Analyzer(), None, exact_weight=0.5,
                      restored_exact_weight=0.0)
    assert plan.dense_text.startswith("Đại hội XIII muốn")
    assert "Đại hội XIII" in plan.expansions
