"""One resolution indexed from two files comes back once per passage, naming both sources."""
from __future__ import annotations

import json

import tracuu
from tracuu.cli import main
from tracuu.retrieval.copies import copy_key, distinct, text_key
from tracuu.results import Passage

from helpers import OFFICIAL_DOCS, write_docs

# NQ 57 as a plain-text file and again as Markdown (bold headings, an escaped hyphen).
COPY_MD = (
    "**BAN CHẤP HÀNH TRUNG ƯƠNG**\n**ĐẢNG CỘNG SẢN VIỆT NAM**\nSố 57\\-NQ/TW\n*Hà Nội*, ngày 22 tháng 12 năm 2024\n\n"
    "**NGHỊ QUYẾT**\nCỦA BỘ CHÍNH TRỊ\nvề đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số "
    "quốc gia\n\n"
    "**I- TÌNH HÌNH**\n\nKhoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số đang phát triển như vũ bão.\n\n"
    "**II- QUAN ĐIỂM**\n\nHạ tầng dữ liệu là tài nguyên quan trọng; bảo đảm an ninh mạng, an toàn thông tin.\n"
)


def passage(pid: str, text: str) -> Passage:
    return Passage(pid, "doc", 0, text, (), "", 0, len(text))


def test_text_key_ignores_markup_punctuation_case_and_tone_placement():
    assert text_key("**Đô thị hoá** khoảng 45%;  tăng  nhanh.") == text_key("đô thị hóa khoảng 45% tăng nhanh")
    assert text_key("Đô thị hoá khoảng 45%") != text_key("Đô thị hoá khoảng 46%")
    assert text_key("khoa học, công nghệ") != text_key("công nghệ, khoa học")  # word order matters


def test_distinct_keeps_the_first_copy_fills_k_and_reads_only_as_far_as_needed():
    texts = {1: "Tỉ lệ đô thị hoá khoảng 45%.", 2: "tỉ lệ đô thị hóa khoảng 45%", 3: "Tuổi thọ trung bình 74,5 tuổi.",
             4: "Tỉ lệ lao động qua đào tạo 70%.", 5: "Tuổi thọ trung bình 74,5 tuổi", 6: "Kiên quyết chống lãng phí."}
    asked: list[list[int]] = []

    def look_up(keys):
        asked.append(list(keys))
        # 4 was removed meanwhile
        return [passage(f"p{k}", texts.get(k, f"Đoạn {k}")) if k != 4 else None for k in keys]

    out = distinct(list(range(1, 7)) + list(range(100, 200)), look_up, 3)
    assert [d.key for d in out] == [1, 3, 6]
    assert [[c.id for c in d.copies] for d in out] == [["p2"], ["p5"], []]
    assert sum(map(len, asked)) == 7  # 3 asked for plus a margin of 4: the 100 keys after them are never read


def test_search_shows_each_passage_once_and_names_the_other_file(tmp_path):
    docs = write_docs(tmp_path / "docs", {**OFFICIAL_DOCS, "tuyen-tap.md": COPY_MD})
    root = tmp_path / "idx"
    tracuu.build([docs], root, encoder="hashing")
    index = tracuu.open_index(root)
    hits = index.search("hạ tầng dữ liệu an ninh mạng", 4)
    texts = [text_key(h.passage.text) for h in hits]
    assert len(texts) == len(set(texts)) == 4  # still k hits, none twice
    first = hits[0]
    assert "Hạ tầng dữ liệu" in first.passage.text
    assert len(first.also_in) == 1
    other = first.also_in[0]
    assert {first.document.id, other.document_id} == {"nq57.txt", "tuyen-tap.md"}
    assert other.locator == first.citation.locator == "mục II"
    assert first.to_dict()["also_in"][0]["document_id"] == other.document_id
    plain = [h for h in hits if not h.also_in]  # a passage indexed once keeps the JSON it had
    assert plain and all("also_in" not in h.to_dict() for h in plain)


def test_cli_names_the_copies_in_text_and_json(tmp_path, capsys):
    docs = write_docs(tmp_path / "docs", {**OFFICIAL_DOCS, "tuyen-tap.md": COPY_MD})
    root = tmp_path / "idx"
    assert main(["build", str(docs), "--index", str(root), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    assert main(["search", "khoa học công nghệ phát triển như vũ bão", "--index", str(root), "-k", "3"]) == 0
    text = capsys.readouterr().out
    assert text.count("phát triển như vũ bão") == 1
    assert "cũng có trong: " in text
    assert main(["search", "khoa học công nghệ phát triển như vũ bão", "--index", str(root), "-k", "3",
                 "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert sum("vũ bão" in h["text"] for h in hits) == 1
    assert any(h.get("also_in") for h in hits)


def test_articles_with_one_body_under_different_titles_are_no_copies(tmp_path):
    body = "Khách du lịch được cung cấp thông tin về chương trình, dịch vụ, điểm đến du lịch."
    rows = [{"_id": f"Luật Du lịch 2017|{n}", "law_id": "Luật Du lịch 2017", "article_id": str(n), "title": title,
             "text": body} for n, title in ((14, "Quyền của khách du lịch"), (15, "Nghĩa vụ của khách du lịch"))]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    tracuu.build([corpus], tmp_path / "idx", encoder="hashing")
    hits = tracuu.open_index(tmp_path / "idx").search("khách du lịch được cung cấp thông tin", 5)
    assert sorted(h.citation.locator for h in hits) == ["Điều 14", "Điều 15"]
    assert all(not h.also_in for h in hits)


def test_copy_key_reads_a_title_but_not_a_file_name():
    one, other = passage("a", "Tỉ lệ đô thị hoá khoảng 45%."), passage("b", "Tỉ lệ đô thị hóa khoảng 45%")
    assert copy_key(one, "doc") == copy_key(other, "")  # "doc" is the passage's document id: no title of its own
    assert copy_key(one, "Nghị quyết Đại hội XIII") == copy_key(other, "NGHỊ QUYẾT ĐẠI HỘI XIII")
    assert copy_key(one, "Nghị quyết Đại hội XIII") != copy_key(other, "Nghị quyết Đại hội XII")
