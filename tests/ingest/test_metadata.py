"""Document metadata: số/ký hiệu, type, issuer, date, trích yếu, relations and kind, from headers as printed."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tracuu.text.document_patterns import canonical_issuer, find_symbols, number_line
from tracuu.ingest.metadata import parse_metadata
from tracuu.ingest.multidoc import split_documents
from tracuu.ingest.readers import FOLDER_NOTES, read_file

# -- Numbers and symbols ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("line, number, doc_type, issuer_code", [
    ("Số 15-NQ/TU", "15-NQ/TU", "NQ", "TU"),
    ("Số 57-NQ/TW", "57-NQ/TW", "NQ", "TW"),
    ("Số 08-QĐi/TW", "08-QĐi/TW", "QĐi", "TW"),
    ("Số 08-QĐ/TW", "08-QĐ/TW", "QĐ", "TW"),
    ("Số 3260-KH/ĐĐQH15", "3260-KH/ĐĐQH15", "KH", "ĐĐQH15"),
    ("Số 69-KL/TW", "69-KL/TW", "KL", "TW"),
    ("Số: 03/NQ-CP", "03/NQ-CP", "NQ", "CP"),
    ("Số: 155/2020/NĐ-CP", "155/2020/NĐ-CP", "NĐ", "CP"),
    ("Số: 04/TTr-BKHCN-BTTTT", "04/TTr-BKHCN-BTTTT", "TTr", "BKHCN-BTTTT"),
    ("Số: 12-CTr/TU", "12-CTr/TU", "CTr", "TU"),
    ("Số 57 - NQ/TW", "57-NQ/TW", "NQ", "TW"),  # spacing normalized
    ("Số375BC-CĐKT", "375BC-CĐKT", "BC", "CĐKT"),  # malformed, as archives hold it
    ("Số 12 BC/CĐKT", "12BC/CĐKT", "BC", "CĐKT"),
    ("Luật số: 59/2020/QH14", "59/2020/QH14", "", "QH14"),
])
def test_number_line_forms(line: str, number: str, doc_type: str, issuer_code: str):
    symbol = number_line(line)
    assert symbol is not None
    assert (symbol.text, symbol.doc_type, symbol.issuer_code) == (number, doc_type, issuer_code)


@pytest.mark.parametrize("line", ["Số 20-NQ/TW đã được tổng kết.", "Số liệu 20-NQ/TW", "Số: /NQ-CP", "Số lượng 12"])
def test_prose_is_not_a_number_line(line: str):
    assert number_line(line) is None


def test_number_line_with_place_and_date_on_the_same_line():
    symbol = number_line("Số: 03/NQ-CP Hà Nội, ngày 09 tháng 01 năm 2025")
    assert symbol is not None and symbol.text == "03/NQ-CP"


def test_qdi_is_a_regulation_and_qd_a_decision():
    regulation = parse_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 08-QĐi/TW\nQUY ĐỊNH\nvề trách nhiệm nêu gương\n")
    decision = parse_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 08-QĐ/TW\nQUYẾT ĐỊNH\nvề thành lập Ban Chỉ đạo\n")
    assert (regulation["doc_type"], regulation["doc_type_name"]) == ("QĐi", "Quy định")
    assert (decision["doc_type"], decision["doc_type_name"]) == ("QĐ", "Quyết định")
    capitals = number_line("SỐ 08-QĐI/TW".replace("SỐ", "Số"))
    assert capitals is not None and capitals.doc_type == "QĐi"


def test_tt_is_thong_tri_for_the_party_and_thong_tu_for_the_state():
    assert parse_metadata("BAN BÍ THƯ\nSố 05-TT/TW\nTHÔNG TRI\n")["doc_type_name"] == "Thông tri"
    assert parse_metadata("BỘ TÀI CHÍNH\nSố: 01/2020/TT-BTC\nTHÔNG TƯ\n")["doc_type_name"] == "Thông tư"


def test_markdown_debris_and_escapes():
    meta = parse_metadata("**BAN CHẤP HÀNH TRUNG ƯƠNG**   \n**ĐẢNG CỘNG SẢN VIỆT NAM**\n\nSố 57\\-NQ/TW   \n"
                          "*Hà Nội*, *ngày 22 tháng 12 năm 2024*\n\n**NGHỊ QUYẾT**\n\nCỦA BỘ CHÍNH TRỊ\n"
                          "**về đột phá phát triển khoa học, công nghệ**, **đổi mới sáng tạo và chuyển** đổi **số quốc gia**\n")
    assert meta["number"] == "57-NQ/TW"
    assert (meta["date"], meta["place"], meta["issuer"]) == ("2024-12-22", "Hà Nội", "Bộ Chính trị")
    assert meta["summary"] == "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"
    assert meta["title"].startswith("Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá")


def test_malformed_number_in_a_header():
    meta = parse_metadata("CÔNG ĐOÀN KHO BẠC\nSố375BC-CĐKT\nBÁO CÁO\ntổng kết công tác năm 2023\n")
    assert (meta["number"], meta["doc_type"], meta["doc_type_name"]) == ("375BC-CĐKT", "BC", "Báo cáo")
    assert meta["issuer_code"] == "CĐKT"


def test_symbols_in_running_text_and_what_is_not_one():
    text = ("Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024, Tờ trình số 04/TTr-BKHCN-BTTTT và công văn số "
            "83/BKHCN-BTTTT-VP; giai đoạn 2011 - 2020, ngày 22/12/2024, tỷ lệ 1/2, Luật số 59/2020/QH14.")
    symbols = find_symbols(text)
    assert [s.text for s in symbols] == ["57-NQ/TW", "04/TTr-BKHCN-BTTTT", "83/BKHCN-BTTTT-VP", "59/2020/QH14"]
    assert symbols[2].doc_type == ""  # a công văn's symbol names units, not a type


def test_nfd_text_is_read_like_nfc():
    text = "BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 08-QĐi/TW\nHà Nội, ngày 25 tháng 10 năm 2018\nQUY ĐỊNH\nvề nêu gương\n"
    assert parse_metadata(unicodedata.normalize("NFD", text)) == parse_metadata(text)


# -- Types, issuers, dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("header, issuer", [
    ("BAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG CỘNG SẢN VIỆT NAM\nSố 57-NQ/TW\nNGHỊ QUYẾT\nCỦA BỘ CHÍNH TRỊ\n", "Bộ Chính trị"),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 35-CT/TW\nCHỈ THỊ\nCỦA BAN BÍ THƯ\n", "Ban Bí thư"),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG CỘNG SẢN VIỆT NAM\nSố 20-NQ/TW\nNGHỊ QUYẾT\n", "Ban Chấp hành Trung ương"),
    ("Số 20-NQ/TW\nNGHỊ QUYẾT\n", "Ban Chấp hành Trung ương"),  # "/TW" alone
    ("CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 03/NQ-CP\n", "Chính phủ"),
    ("ĐẢNG CỘNG SẢN VIỆT NAM\nBAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG ĐOÀN QUỐC HỘI\nSố 3260-KH/ĐĐQH15\n", "Đảng đoàn Quốc hội"),
    ("ĐẢNG BỘ THÀNH PHỐ HÀ NỘI\nTHÀNH ỦY HÀ NỘI\nSố 15-NQ/TU\nNGHỊ QUYẾT\n", "Thành ủy Hà Nội"),
    ("BỘ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 12/2024/TT-BKHCN\nTHÔNG TƯ\n", "Bộ Khoa học và Công nghệ"),
    ("Số 69-KL/TW\nKẾT LUẬN\nnội dung\n\n| T/M BỘ CHÍNH TRỊ *(Đã ký)* Trương Thị Mai |\n", "Bộ Chính trị"),
])
def test_issuer(header: str, issuer: str):
    assert parse_metadata(header)["issuer"] == issuer


def test_tu_alone_is_not_guessed():
    # TU is tỉnh ủy or thành ủy: without a letterhead the issuer stays unknown, the code is kept.
    meta = parse_metadata("Số 15-NQ/TU\nNGHỊ QUYẾT\n")
    assert "issuer" not in meta and meta["issuer_code"] == "TU"


def test_canonical_issuer_tone_styles():
    assert canonical_issuer("UỶ BAN THƯỜNG VỤ QUỐC HỘI") == "Ủy ban Thường vụ Quốc hội"
    assert canonical_issuer("TỈNH UỶ THANH HOÁ") == "Tỉnh uỷ Thanh Hoá"


def test_type_from_heading_without_a_symbol():
    assert parse_metadata("KẾT LUẬN\nvề công tác cán bộ\n")["doc_type"] == "KL"
    assert parse_metadata("# KẾ HOẠCH\n\nvề học tập\n")["doc_type_name"] == "Kế hoạch"
    meta = parse_metadata("NGHỊ QUYẾT ĐẠI HỘI\n\nI- MỤC TIÊU\n")
    assert (meta["kind"], meta["doc_type"], meta["title"]) == ("official", "NQ", "Nghị quyết Đại hội")


@pytest.mark.parametrize("header, date", [
    ("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 03-NQ/TW\nHà Nội, ngày 01-10-1997\nNGHỊ QUYẾT\n", "1997-10-01"),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 03-NQ/TW\nngày 01-10-1997\nNGHỊ QUYẾT\n", "1997-10-01"),
    ("CHÍNH PHỦ\nSố: 03/NQ-CP\nHà Nội, ngày 09 tháng 01 năm 2025\n", "2025-01-09"),
    ("CHÍNH PHỦ\nSố: 03/NQ-CP\nHà Nội, ngày 3 tháng 4 năm 2018\n", "2018-04-03"),
    ("CHÍNH PHỦ\nSố: 03/NQ-CP\n*Hà Nội*, *ngày 22/12/2024*\n", "2024-12-22"),
    ("# Kết luận số 69-KL/TW\n\nKết luận số 69-KL/TW ngày 11/01/2024 của Bộ Chính trị về công tác\n", "2024-01-11"),
    ("# Nghị quyết số 57-NQ/TW\n\nĐã ký ban hành Nghị quyết số 57-NQ/TW (ngày 22/12/2024) của Bộ Chính trị về…\n",
     "2024-12-22"),
])
def test_dates(header: str, date: str):
    assert parse_metadata(header)["date"] == date


def test_impossible_date_is_left_out():
    assert "date" not in parse_metadata("CHÍNH PHỦ\nSố: 03/NQ-CP\nHà Nội, ngày 31 tháng 02 năm 2025\n")


def test_term_and_congress_of_this_document_not_of_a_cited_one():
    plenum = parse_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố: 20-NQ/TW\nNGHỊ QUYẾT\n"
                            "HỘI NGHỊ LẦN THỨ SÁU BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHOÁ XI\nVỀ PHÁT TRIỂN KHOA HỌC\n")
    assert (plenum["term"], plenum["plenum"], plenum["summary"]) == (11, 6, "về phát triển khoa học")
    cited = parse_metadata("# Kết luận số 69-KL/TW\n\nKết luận số 69-KL/TW ngày 11/01/2024 của Bộ Chính trị về tiếp "
                           "tục thực hiện Nghị quyết số 20-NQ/TW của Ban Chấp hành Trung ương Đảng khoá XI\n")
    assert "term" not in cited
    congress = parse_metadata("Đại hội đại biểu toàn quốc lần thứ XIII Đảng Cộng sản Việt Nam họp từ ngày 25/01/2021 "
                              "đến ngày 01/02/2021, tại Thủ đô Hà Nội, sau khi thảo luận các văn kiện do Ban Chấp hành "
                              "Trung ương Đảng khoá XII trình,\nQUYẾT NGHỊ\n\nI- Tán thành\n")
    assert (congress["congress"], congress["date"], congress["place"]) == (13, "2021-02-01", "Hà Nội")
    assert congress["issuer"] == "Đại hội đại biểu toàn quốc lần thứ XIII" and "term" not in congress


def test_implements_and_mentions():
    meta = parse_metadata("CHÍNH PHỦ\nSố: 03/NQ-CP\nNGHỊ QUYẾT\nBan hành Chương trình hành động của Chính phủ thực hiện "
                          "Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị\n\nCăn cứ Luật số "
                          "76/2015/QH13; Tờ trình số 04/TTr-BKHCN-BTTTT.\n")
    assert meta["implements"] == ["57-NQ/TW"]
    assert meta["mentions"] == ["57-NQ/TW", "76/2015/QH13", "04/TTr-BKHCN-BTTTT"]
    again = parse_metadata("Số 12-KL/TU\nKẾT LUẬN\nvề tiếp tục thực hiện Nghị quyết số 20-NQ/TW\n")
    assert again["implements"] == ["20-NQ/TW"]


def test_news_and_commentary():
    news = parse_metadata("(Chinhphu.vn) - Hội nghị quán triệt.\n\nSáng 22/4, Thành ủy Hà Nội tổ chức hội nghị "
                          "của Thành ủy khóa 17 nhiệm kỳ 2020-2025.\n\nGia Huy\n")
    assert (news["kind"], news["doc_type"], news["doc_type_name"]) == ("news", "news", "Bài báo")
    assert (news["publisher"], news["dateline"], news["term"], news["author"]) == \
        ("Báo điện tử Chính phủ", "Sáng 22/4", 17, "Gia Huy")
    assert "date" not in news  # no year anywhere: the day and month alone are not a date
    dated = parse_metadata("Tiêu đề\nNDO - Chiều 20/1, Ban Chỉ đạo họp.\nThứ hai, ngày 20/01/2025 - 19:33\n")
    assert (dated["publisher"], dated["date"], dated["title"]) == ("Báo Nhân Dân", "2025-01-20", "Tiêu đề")
    essay = parse_metadata("# So sánh Nghị quyết 57 với Nghị quyết 20\n\n**1\\. Đổi mới**\n\nNghị quyết 57 đặt mục tiêu…\n")
    assert essay == {"kind": "commentary", "title": "So sánh Nghị quyết 57 với Nghị quyết 20"}


def test_values_are_json_serializable_and_empty_text_is_harmless():
    assert parse_metadata("") == {"kind": "commentary"}
    meta = parse_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 57-NQ/TW\nHà Nội, ngày 22 tháng 12 năm 2024\nNGHỊ QUYẾT\n")
    assert json.loads(json.dumps(meta, ensure_ascii=False)) == meta


# -- Every document of the shared corpus -----------------------------------------------------------------------

IMPLEMENTS_57 = ["57-NQ/TW"]
EXPECTED: dict[str, dict] = {
    "kh3260-ddqh15-2025_ke-hoach-dang-doan-quoc-hoi.md": dict(
        kind="official", number="3260-KH/ĐĐQH15", doc_type="KH", doc_type_name="Kế hoạch", issuer="Đảng đoàn Quốc hội",
        issuer_code="ĐĐQH15", date="2025-01-10", place="Hà Nội", implements=IMPLEMENTS_57),
    "ndo-2025-01-20_phien-hop-thu-nhat-bcd-trung-uong.md": dict(
        kind="news", doc_type="news", publisher="Báo Nhân Dân", date="2025-01-20", dateline="Chiều 20/1",
        number=None, issuer=None, implements=None, mentions=IMPLEMENTS_57,
        title="Phiên họp thứ nhất Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, đổi mới sáng tạo và "
              "chuyển đổi số"),
    "nghi-quyet-dai-hoi-xiii.txt": dict(
        kind="official", number=None, doc_type="NQ", doc_type_name="Nghị quyết", congress=13, term=None,
        issuer="Đại hội đại biểu toàn quốc lần thứ XIII", date="2021-02-01", place="Hà Nội", implements=None,
        title="Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII"),
    "nq03-ncp-2025_chuong-trinh-hanh-dong-chinh-phu.md": dict(
        kind="official", number="03/NQ-CP", doc_type="NQ", doc_type_name="Nghị quyết", issuer="Chính phủ",
        issuer_code="CP", date="2025-01-09", place="Hà Nội", implements=IMPLEMENTS_57,
        mentions=["57-NQ/TW", "04/TTr-BKHCN-BTTTT", "83/BKHCN-BTTTT-VP"]),
    "nq03-ncp-2025_phu-luc-1-chi-tieu.md": dict(
        kind="official", number=None, doc_type="PL", doc_type_name="Phụ lục", annex="I", issuer="Chính phủ",
        date=None, summary="Danh mục các chỉ tiêu cụ thể", title="Phụ lục I: Danh mục các chỉ tiêu cụ thể",
        implements=None),
    "nq03-ncp-2025_phu-luc-2-nhiem-vu.md": dict(
        kind="official", number=None, doc_type="PL", annex="II", issuer="Chính phủ", implements=IMPLEMENTS_57),
    "nq57-ntw-2024_nghi-quyet-bo-chinh-tri.md": dict(
        kind="official", number="57-NQ/TW", doc_type="NQ", doc_type_name="Nghị quyết", issuer="Bộ Chính trị",
        issuer_code="TW", date="2024-12-22", place="Hà Nội", implements=None, term=None,
        summary="về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        title="Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, "
              "đổi mới sáng tạo và chuyển đổi số quốc gia"),
    "nq57_kl69_nq20-2012_bangoc.md#1": dict(
        kind="official", number="57-NQ/TW", doc_type="NQ", issuer="Bộ Chính trị", issuer_code="TW", date="2024-12-22",
        summary="về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        implements=None),
    "nq57_kl69_nq20-2012_bangoc.md#2": dict(
        kind="official", number="69-KL/TW", doc_type="KL", doc_type_name="Kết luận", issuer="Bộ Chính trị",
        issuer_code="TW", date="2024-01-11", implements=["20-NQ/TW"], term=None),
    "nq57_kl69_nq20-2012_bangoc.md#3": dict(
        kind="official", number="20-NQ/TW", doc_type="NQ", issuer="Ban Chấp hành Trung ương", issuer_code="TW",
        date="2012-11-01", place="Hà Nội", term=11, plenum=6, implements=None),
    "nq57_kl69_nq20-2012_bangoc.md#4": dict(
        kind="commentary", number=None, doc_type=None, issuer=None, date=None,
        title="So sánh Nghị quyết 57 với Nghị quyết 20 và Kết luận 69"),
    "hanoi-10-chuong-trinh-cong-tac-2021.txt": dict(
        # The dateline gives 22/4 only; the year is the one the file's name holds.
        kind="news", doc_type="news", publisher="Báo điện tử Chính phủ", dateline="Sáng 22/4", date="2021-04-22",
        term=17,
        author="Gia Huy", number=None, implements=None),
}


def _corpus_documents(corpus: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.name.lower() not in FOLDER_NOTES):
        for doc in read_file(path, path.relative_to(corpus).as_posix()):
            for part in split_documents(doc):
                found[part.key] = parse_metadata(part.text, title=part.title, source=part.source)
    return found


@pytest.fixture(scope="module")
def corpus_metadata() -> dict[str, dict]:
    from helpers import CORPUS

    return _corpus_documents(CORPUS)


def test_every_corpus_document_has_expectations(corpus_metadata: dict[str, dict]):
    assert sorted(corpus_metadata) == sorted(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_corpus_document_fields(corpus_metadata: dict[str, dict], key: str):
    meta = corpus_metadata[key]
    for field, value in EXPECTED[key].items():
        assert meta.get(field) == value, f"{key}: {field}"
    assert json.loads(json.dumps(meta, ensure_ascii=False)) == meta
    if meta["kind"] == "official" and meta.get("number"):
        assert meta["title"].startswith(f"{meta['doc_type_name']} số {meta['number']}")
