"""Queries that name a document and a place in it: the named article or section comes first."""
from __future__ import annotations

import json

import pytest

import tracuu
from tracuu.retrieval.encoders import HashingEncoder
from tracuu.retrieval.settings import SearchSettings
from tracuu.retrieval.references import DocumentNames, References, normalized
from tracuu.results import DocumentInfo, Passage


def _doc(doc_id: str, **metadata) -> DocumentInfo:
    return DocumentInfo(doc_id, "x", doc_id, "jsonl", "h", 1, metadata)


def _passage(doc_id: str, *section: str) -> Passage:
    return Passage("p", doc_id, 0, "văn bản", tuple(section), "", 0, 7)


def test_normalized_folds_and_drops_nam():
    assert normalized("Luật Cư trú năm 2020,") == " luat cu tru 2020 "
    assert normalized("57-NQ/TW") == " 57 nq tw "


def test_names_found_with_or_without_year_accents_and_nam():
    names = DocumentNames({
        "cu-tru|12": _doc("cu-tru|12", law_id="Luật Cư trú 2020", article_id="12"),
        "du-lich|48": _doc("du-lich|48", law_id="Luật Du lịch 2017", article_id="48"),
        "nq57": _doc("nq57", number="57-NQ/TW", doc_type_name="Nghị quyết"),
    })
    assert names.find("Ngày 01/08/2022, Luật Cư trú năm 2020 đang có hiệu lực").documents == {"cu-tru|12"}
    assert names.find("theo luat du lich, biet thu du lich la gi").documents == {"du-lich|48"}
    assert names.find("Nghị quyết 57 nói gì về nhân tài").documents == {"nq57"}
    assert names.find("nghi quyet 57-NQ/TW muc III.2").locators == ("muc iii 2",)
    # A name must be whole words: "du lịch" alone, or "Nghị quyết 570", names nothing.
    assert not names.find("biệt thự du lịch là gì")
    assert not names.find("Nghị quyết 570 của Chính phủ")


def test_an_annex_is_named_by_its_parents_name():
    # "Phụ lục I kèm theo Nghị quyết số 03/NQ-CP" is part of the resolution: naming 03/NQ-CP names the annex too.
    names = DocumentNames({
        "nq03": _doc("nq03", number="03/NQ-CP", doc_type_name="Nghị quyết"),
        "nq03-pl1": _doc("nq03-pl1", doc_type_name="Phụ lục", annex="I", parent="nq03"),
        "nq57": _doc("nq57", number="57-NQ/TW", doc_type_name="Nghị quyết"),
    })
    assert names.find("chỉ tiêu kinh tế số trong Nghị quyết 03/NQ-CP").documents == {"nq03", "nq03-pl1"}
    assert names.find("Nghi quyet 57 va Nghi quyet 03").documents == {"nq03", "nq03-pl1", "nq57"}
    assert names.find("Nghị quyết 57 nói gì về nhân tài").documents == {"nq57"}


def test_article_references_point_at_the_article():
    names = DocumentNames({"tthc": _doc("tthc", law_id="Luật Tố tụng hành chính 2015")})
    refs = names.find("Theo Điều 143, luật Tố tụng hành chính 2015, Tòa án phải đình chỉ vụ án?")
    assert refs.locators == ("dieu 143",)
    doc = _doc("tthc", law_id="Luật Tố tụng hành chính 2015")
    assert refs.points_at(doc, _passage("tthc", "Chương X", "Điều 143. Đình chỉ giải quyết vụ án", "1."))
    assert not refs.points_at(doc, _passage("tthc", "Điều 144. Hậu quả của việc đình chỉ"))
    assert not refs.points_at(doc, _passage("tthc", "Điều 14. Giám đốc thẩm"))
    # One article per .jsonl line: the line's own article_id says where it is.
    line = _doc("tthc|143", law_id="Luật Tố tụng hành chính 2015", article_id="143")
    assert References(frozenset({"tthc|143"}), ("dieu 143",)).points_at(line, _passage("tthc|143"))


def test_section_references_match_the_citation_locator():
    refs = References(frozenset({"nq"}), ("muc iii 2",))
    doc = _doc("nq", number="57-NQ/TW")
    assert refs.points_at(doc, _passage("nq", "III- NHIỆM VỤ, GIẢI PHÁP", "2. Hoàn thiện thể chế"))
    assert not refs.points_at(doc, _passage("nq", "III- NHIỆM VỤ, GIẢI PHÁP", "3. Tăng đầu tư"))
    assert not refs.points_at(doc, _passage("nq", "II- MỤC TIÊU", "2. Mục tiêu cụ thể"))


LAWS = [
    ("Luật An ninh mạng 2018|2", "Luật An ninh mạng 2018", "2", "Giải thích từ ngữ",
     "Không gian mạng là mạng lưới kết nối của cơ sở hạ tầng công nghệ thông tin."),
    ("Luật An ninh mạng 2018|18", "Luật An ninh mạng 2018", "18", "Phòng, chống tấn công mạng",
     "Không gian mạng phải được bảo vệ; hành vi tấn công mạng trên không gian mạng bị nghiêm cấm. "
     "Bảo vệ không gian mạng quốc gia là trách nhiệm của mọi cơ quan."),
    ("Luật Du lịch 2017|48", "Luật Du lịch 2017", "48", "Các loại cơ sở lưu trú du lịch",
     "Biệt thự du lịch, căn hộ du lịch, tàu thủy lưu trú du lịch là cơ sở lưu trú du lịch."),
]


@pytest.fixture
def laws(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps({"_id": i, "law_id": law, "article_id": art, "title": title,
                                            "text": f"{title}\n\n{text}"}, ensure_ascii=False)
                                for i, law, art, title, text in LAWS), encoding="utf-8")
    root = tmp_path / "idx"
    tracuu.build([corpus], root, encoder=HashingEncoder())
    return corpus, tracuu.open_index(root, encoder=HashingEncoder())


def test_named_article_comes_first_and_explain_says_why(laws):
    _, index = laws
    query = "không gian mạng được định nghĩa tại khoản 3 Điều 2 Luật An ninh mạng số 24/2018/QH14"
    plain = index.search(query, k=3, settings=SearchSettings(reference_weight=0.0, article_weight=0.0))
    assert plain[0].document.id == "Luật An ninh mạng 2018|18"  # more words in common: BM25 alone prefers it
    hits = index.search(query, k=3, explain=True)
    assert hits[0].document.id == "Luật An ninh mạng 2018|2"
    assert hits[0].explanation.reference == pytest.approx(1.1)
    assert hits[1].explanation.reference == pytest.approx(0.1)  # same law, other article
    # Lexical and dense modes stay each retriever's own ranking.
    assert index.search(query, k=1, mode="lexical")[0].document.id == "Luật An ninh mạng 2018|18"


def test_jsonl_fields_become_metadata_and_filters(laws):
    corpus, index = laws
    doc = index.document("Luật Du lịch 2017|48")
    assert doc.metadata["law_id"] == "Luật Du lịch 2017" and doc.metadata["article_id"] == "48"
    hits = index.search("không gian mạng", k=5, filters={"law_id": "Luật Du lịch 2017"})
    assert [h.document.id for h in hits] == ["Luật Du lịch 2017|48"]
    # Changing only a line's fields re-reads that document.
    lines = corpus.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["law_id"] = "Luật Du lịch 2017 (sửa đổi)"
    lines[2] = json.dumps(row, ensure_ascii=False)
    corpus.write_text("\n".join(lines), encoding="utf-8")
    report = index.add([corpus])
    assert report.replaced == ("Luật Du lịch 2017|48",) and report.encoded == 0
    assert index.document("Luật Du lịch 2017|48").metadata["law_id"] == "Luật Du lịch 2017 (sửa đổi)"


def test_a_law_article_line_is_official_and_cites_its_law_article_and_clause(tmp_path):
    text = ("Thay đổi Trọng tài viên\n\n1. Trọng tài viên phải từ chối giải quyết tranh chấp, các bên có quyền yêu "
            "cầu thay đổi Trọng tài viên giải quyết tranh chấp trong các trường hợp sau đây:\n\na) Trọng tài viên là "
            "người thân thích hoặc là người đại diện của một bên;\n\nb) Trọng tài viên có lợi ích liên quan trong vụ "
            "tranh chấp.\n\n2. Trường hợp Trọng tài viên được thay đổi thì Chủ tịch Trung tâm trọng tài chỉ định "
            "Trọng tài viên khác.")
    corpus = tmp_path / "luat.jsonl"
    corpus.write_text(json.dumps({"_id": "Luật Trọng tài thương mại 2010|42", "law_id": "Luật Trọng tài thương mại "
                                  "2010", "article_id": "42", "title": "Thay đổi Trọng tài viên", "text": text},
                                 ensure_ascii=False), encoding="utf-8")
    tracuu.build([corpus], tmp_path / "idx", encoder=HashingEncoder())
    index = tracuu.open_index(tmp_path / "idx", encoder=HashingEncoder())
    assert index.document("Luật Trọng tài thương mại 2010|42").metadata["kind"] == "official"
    hit = index.search("Chủ tịch Trung tâm trọng tài chỉ định Trọng tài viên khác", k=1)[0]
    assert hit.passage.text.startswith("2. Trường hợp")
    assert hit.citation.text == "Luật Trọng tài thương mại 2010, Điều 42, khoản 2"
    # "khoản 2 Điều 42" in a query points at this article.
    assert index.references("theo khoản 2 Điều 42 Luật Trọng tài thương mại 2010").locators == ("dieu 42",)
