"""Chat shorthand is written out before a query is read; the same letters in other roles stay."""
import pytest

from tracuu.retrieval.query_plan import plan_query
from tracuu.text.abbreviations import rewrite_query
from tracuu.text.analyzer import Analyzer
from tracuu.text.shorthand import write_out


@pytest.mark.parametrize("typed, written", [
    ("GDP tăng cỡ bn mỗi năm", "GDP tăng cỡ bao nhiêu mỗi năm"),
    ("sinh viên có dc vay vốn ko", "sinh viên có được vay vốn không"),
    ("làm ntn để đăng ký", "làm như thế nào để đăng ký"),
    ("có j mới k", "có gì mới không"),
])
def test_shorthand_is_written_out(typed: str, written: str):
    assert write_out(typed) == written


def test_an_unaccented_query_gets_unaccented_words():
    assert write_out("sv dc vay tien ntn", accented=False) == "sv duoc vay tien nhu the nao"


@pytest.mark.parametrize("text", ["giá 5k một ký", "tiêu chuẩn DC và AC", "ok, đã xong", "KH 3260 của Đảng đoàn"])
def test_the_same_letters_in_other_roles_stay(text: str):
    assert write_out(text) == text


def test_the_plan_reads_words_and_the_encoder_reads_names_written_out():
    plan = plan_query("CP có hỗ trợ DN VN cỡ bn ko", Analyzer(), None, exact_weight=0.5, restored_exact_weight=0.0)
    assert plan.original == "CP có hỗ trợ DN VN cỡ bn ko"
    assert plan.dense_text == "Chính phủ có hỗ trợ doanh nghiệp Việt Nam cỡ bao nhiêu không"
    assert "nhieu" in plan.lexical.folded and "bn" not in plan.lexical.folded


def test_people_s_abbreviations_are_in_the_table():
    assert rewrite_query("TBT yêu cầu ĐV và SV làm NCKH") == \
        "Tổng Bí thư yêu cầu ĐV và sinh viên làm nghiên cứu khoa học"  # ĐV: đảng viên or đơn vị, left as typed
