"""Citations ready to paste, over the shared corpus: annexes under their parent, news with their date, titles
whole, table rows with their column names and offsets that still slice the source."""
from __future__ import annotations

from tracuu.citation import cite
from tracuu.ingest.annexes import parent_of

ANNEX_1, ANNEX_2 = "nq03-ncp-2025_phu-luc-1-chi-tieu.md", "nq03-ncp-2025_phu-luc-2-nhiem-vu.md"
NQ03 = "nq03-ncp-2025_chuong-trinh-hanh-dong-chinh-phu.md"
PARENT = "Nghị quyết số 03/NQ-CP ngày 09/01/2025 của Chính phủ"


def test_parent_of_an_annex_by_number_or_by_folder():
    annex = {"annex": "I", "attached_to": "Chương trình hành động tại Nghị quyết số  /NQ-CP ngày 01 tháng 01 năm "
                                          "2025 của Chính phủ"}
    docs = {"a/nq03_ctr.md": ("a/nq03_ctr.md", {"number": "03/NQ-CP"}),
            "b/nq05_ctr.md": ("b/nq05_ctr.md", {"number": "05/NQ-CP"}),  # another folder
            "a/kh3260.md": ("a/kh3260.md", {"number": "3260-KH/ĐĐQH15"})}
    assert parent_of("a/nq03_pl1.md", "a/nq03_pl1.md", annex, docs) == "a/nq03_ctr.md"
    # Two equally likely parents: no guess.
    docs["a/nq03_khac.md"] = ("a/nq03_khac.md", {"number": "07/NQ-CP"})
    assert parent_of("a/nq03_pl1.md", "a/nq03_pl1.md", annex, docs) is None
    named = {"annex": "II", "attached_to": "Nghị quyết số 05/NQ-CP ngày 02/02/2025 của Chính phủ"}
    assert parent_of("a/pl2.md", "a/pl2.md", named, docs) == "b/nq05_ctr.md"
    assert parent_of("a/pl2.md", "a/pl2.md", {"attached_to": named["attached_to"]}, docs) is None  # no annex


def test_annexes_cite_their_parent(shared_index):
    for annex, number in ((ANNEX_1, "I"), (ANNEX_2, "II")):
        meta = shared_index.document(annex).metadata
        assert meta["parent"] == NQ03 and meta["parent_citation"] == PARENT
        for p in shared_index._backend.passages_of(annex)[:5]:
            assert cite(shared_index.document(annex), p).text.startswith(f"Phụ lục {number} kèm theo {PARENT}")
    hit = next(h for h in shared_index.search("Tiềm lực, trình độ khoa học, công nghệ và đổi mới sáng tạo đạt "
                                              "mức tiên tiến Thứ bậc", 10) if h.document.id == ANNEX_1)
    assert hit.citation.text == f"Phụ lục I kèm theo {PARENT}, mục I"


def test_news_citations_carry_their_date(shared_index):
    seed = shared_index.document("hanoi-10-chuong-trinh-cong-tac-2021.txt")
    first = shared_index._backend.passages_of(seed.id)[0]
    assert cite(seed, first).text == "Báo điện tử Chính phủ, 22/4/2021, bài của Gia Huy"
    ndo = shared_index.document("ndo-2025-01-20_phien-hop-thu-nhat-bcd-trung-uong.md")
    assert cite(ndo, shared_index._backend.passages_of(ndo.id)[0]).text == (
        "Báo Nhân Dân, 20/1/2025, “Phiên họp thứ nhất Ban Chỉ đạo Trung ương về phát triển khoa học, công nghệ, "
        "đổi mới sáng tạo và chuyển đổi số”")


def test_no_citation_is_cut(shared_index):
    for doc in shared_index.documents():
        for p in shared_index._backend.passages_of(doc.id):
            assert "…" not in cite(doc, p).text, (doc.id, cite(doc, p).text)


def test_table_rows_read_with_their_column_names_and_exact_offsets(shared_index):
    hit = next(h for h in shared_index.search("Hoàn thành xây dựng Trung tâm dữ liệu quốc gia Bộ Công An", 10)
               if h.document.id == ANNEX_2 and "Trung tâm dữ liệu quốc gia và đưa vào khai thác" in h.passage.text)
    p = hit.passage
    assert p.text.startswith("69. | Tên nhiệm vụ: Hoàn thành xây dựng Trung tâm dữ liệu quốc gia")
    assert "| Cơ quan chủ trì: Bộ Công An | Kết quả: Trung tâm dữ liệu quốc gia | Thời gian hoàn thành: 12/2025" \
        in p.text
    source = shared_index.document_text(ANNEX_2)
    row = source[p.char_start:p.char_end]
    assert row.startswith("69.") and row.endswith("12/2025") and "| Bộ Công An  |  |" in row  # the file's own row
    assert shared_index.clean_text(p, p.char_start, p.char_end) == p.text
    at = source.index("Bộ Công An", p.char_start)
    assert shared_index.clean_text(p, at, at + len("Bộ Công An")).startswith("Cơ quan chủ trì: Bộ Công An")
    for s in shared_index.sentences(p):
        assert s.text == source[s.char_start:s.char_end]
    # Search reads the names too: "cơ quan chủ trì" finds the row that names its lead agency.
    assert any(h.passage.id == p.id for h in shared_index.search(
        "cơ quan chủ trì Trung tâm dữ liệu quốc gia thời gian hoàn thành", 5))
