"""A request for a quotation at the head of a query is left out of what retrieval reads, accented or not."""
import pytest

import tracuu
from tracuu.retrieval.query_plan import plan_query
from tracuu.text.analyzer import Analyzer
from tracuu.text.requests import split_request


@pytest.mark.parametrize("query, frame, rest", [
    ("tìm câu hay về lòng tự tôn dân tộc", "tìm câu hay về", "lòng tự tôn dân tộc"),
    ("trích giúp câu coi nhân cách người Việt là cốt lõi", "trích giúp câu coi", "nhân cách người Việt là cốt lõi"),
    ("cần một câu nói nước mình lột xác hẳn", "cần một câu nói", "nước mình lột xác hẳn"),
    ("cho tôi vài câu trích về tinh thần tự lực tự cường", "cho tôi vài câu trích về", "tinh thần tự lực tự cường"),
    ("cần câu hay nhất về khát vọng phát triển", "cần câu hay nhất về", "khát vọng phát triển"),
    ("câu nào nói về khát vọng phát triển đất nước", "câu nào nói về", "khát vọng phát triển đất nước"),
    ("có đoạn nào nhắc tới kinh tế tư nhân", "có đoạn nào nhắc tới", "kinh tế tư nhân"),
    # Typed without diacritics: the same frame, found on the folded text.
    ("tim cau hay ve long tu ton dan toc", "tim cau hay ve", "long tu ton dan toc"),
    ("Trích câu về: bảo tồn nếp xưa", "Trích câu về", "bảo tồn nếp xưa"),
])
def test_a_request_frame_is_split_from_the_theme(query: str, frame: str, rest: str):
    assert split_request(query) == (frame, rest)


@pytest.mark.parametrize("query", [
    "cho ý kiến về dự thảo luật đất đai",        # opinions, not a quotation
    "tìm đoạn văn bản quy định về thuế",          # "văn bản" is a document, not "đoạn văn"
    "tìm câu trả lời cho vấn đề nhà ở xã hội",     # an answer, which is the content
    "cần làm gì để phát triển kinh tế tư nhân",
    "tìm câu hay",                                 # nothing would be left to search for
    "Nghị quyết 57 nói gì về nhân tài",
])
def test_queries_without_a_frame_stay_whole(query: str):
    assert split_request(query) == ("", query)


def test_the_plan_reads_the_theme_and_shows_the_request():
    plan = plan_query("tìm câu hay về lòng tự tôn dân tộc", Analyzer(), None, exact_weight=0.5,
                      restored_exact_weight=0.0)
    assert plan.original == "tìm câu hay về lòng tự tôn dân tộc"
    assert plan.request == "tìm câu hay về"
    assert plan.dense_text == "lòng tự tôn dân tộc"
    assert "tim" not in plan.lexical.folded and "cau" not in plan.lexical.folded
    assert plan.to_dict()["request"] == "tìm câu hay về"


def test_search_with_a_frame_finds_what_the_theme_alone_finds(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "van-hoa.txt").write_text(
        "Khơi dậy tinh thần tự lực, tự cường, lòng tự tôn dân tộc và khát vọng phát triển đất nước.\n\n"
        "Tìm kiếm thị trường, đẩy mạnh xuất khẩu hàng hóa; câu lạc bộ doanh nhân trẻ được thành lập.\n",
        encoding="utf-8")
    tracuu.build([docs], tmp_path / "idx", encoder="hashing")
    with tracuu.open_index(tmp_path / "idx") as index:
        framed = index.search("tìm câu hay về lòng tự tôn dân tộc", 2, mode="lexical")
        theme = index.search("lòng tự tôn dân tộc", 2, mode="lexical")
        assert [h.passage.id for h in framed] == [h.passage.id for h in theme]
        assert "tự tôn" in framed[0].passage.text


def test_the_cli_says_which_words_it_left_out(tmp_path, capsys):
    from tracuu.cli import main
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Khơi dậy lòng tự tôn dân tộc và khát vọng phát triển đất nước.\n", encoding="utf-8")
    assert main(["build", str(docs), "--index", str(tmp_path / "idx"), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    assert main(["search", "tìm câu hay về lòng tự tôn dân tộc", "--index", str(tmp_path / "idx")]) == 0
    out = capsys.readouterr().out
    assert "bỏ qua lời yêu cầu «tìm câu hay về»" in out and "tự tôn" in out


def test_ask_weighs_the_evidence_against_the_theme_not_the_request(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "nq.txt").write_text(
        "NGHỊ QUYẾT\n\nI. QUAN ĐIỂM\n\nKhơi dậy khát vọng phát triển đất nước phồn vinh, hạnh phúc; phát huy ý chí "
        "tự lực, tự cường và sức mạnh đại đoàn kết toàn dân tộc.\n\nII. NHIỆM VỤ\n\nTăng cường quốc phòng, an ninh, "
        "giữ vững môi trường hòa bình, ổn định.\n", encoding="utf-8")
    tracuu.build([docs], tmp_path / "idx", encoder="hashing")
    with tracuu.open_index(tmp_path / "idx") as index:
        framed = index.ask("tìm câu hay về khát vọng phát triển đất nước phồn vinh")
        theme = index.ask("khát vọng phát triển đất nước phồn vinh")
        assert framed.question == "tìm câu hay về khát vọng phát triển đất nước phồn vinh"
        assert framed.status == theme.status and framed.confidence == theme.confidence
        assert framed.answer == theme.answer and framed.answer is not None
