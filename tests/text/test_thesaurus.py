"""The thesaurus: everyday words find the documents' terms, typed with or without diacritics, below the typed words."""
import json
from pathlib import Path

import pytest

import tracuu
from tracuu.cli import main
from tracuu.errors import InputFileError
from tracuu.retrieval.settings import SearchSettings
from tracuu.text import thesaurus
from tracuu.text.analyzer import Analyzer

from helpers import write_docs


def added(query: str, accented: bool) -> dict[str, tuple[str, ...]]:
    return {s.typed: s.alternatives for s in thesaurus.load().find(query, accented)}


def test_bundled_thesaurus_is_several_hundred_rules_and_says_how_it_was_made():
    assert thesaurus.load().size >= 300
    header = "\n".join(thesaurus.bundled_lines()[:12])
    assert "How it was made" in header and "NOT written from the development questions" in header


def test_everyday_words_find_formal_terms_with_and_without_diacritics():
    assert "nhân tài" in added("chính sách thu hút người tài", True)["người tài"]
    assert "nhân tài" in added("chinh sach thu hut nguoi tai", False)["nguoi tai"]
    assert "tiêm chủng" in added("chích ngừa cho trẻ", True)["chích ngừa"]
    assert "tiêm chủng" in added("chich ngua cho tre", False)["chich ngua"]
    assert "thiết bị di động thông minh" in added("phổ cập smartphone cho nông dân", True)["smartphone"]
    assert "thông tin di động thế hệ thứ năm" in added("phủ sóng mạng 5G toàn quốc", True)["mạng 5g"]
    assert "sản xuất kinh doanh" in added("tạo điều kiện cho dân làm ăn", True)["làm ăn"]


def test_an_accented_query_matches_accented_forms_only():
    # "ba con" (three children) is not "bà con" (the people) once the user typed accents.
    assert "ba con" not in added("gia đình có ba con nhỏ", True)
    assert "nhân dân" in added("bà con vùng cao", True)["bà con"]
    assert "nhân dân" in added("ba con vung cao", False)["ba con"]


def test_one_way_rules_do_not_turn_formal_terms_into_slang():
    assert "phòng chống tham nhũng" in added("chiến dịch đốt lò", True)["chiến dịch đốt lò"]
    assert all("đốt lò" not in alternatives for alternatives in added("phòng chống tham nhũng", True).values())


def test_the_longest_phrase_wins():
    assert "vùng đặc biệt khó khăn" in added("trường học ở vùng sâu vùng xa", True)["vùng sâu vùng xa"]


def test_phrases_add_word_pairs_not_their_common_syllables():
    analyzer = Analyzer()
    found = thesaurus.load().find("bà con", True)
    tokens = thesaurus.expansion_tokens(found, analyzer, analyzer.analyze("bà con"), True)
    assert "nhan_dan" in tokens.folded and "dan" not in tokens.folded
    assert tokens.exact  # accented query: the exact field scores the accented forms too
    folded = thesaurus.expansion_tokens(thesaurus.load().find("ba con", False), analyzer, analyzer.analyze("ba con"),
                                        False)
    assert "nhan_dan" in folded.folded and folded.exact == []


def test_a_malformed_user_rule_names_its_line(tmp_path: Path):
    bad = tmp_path / "tu-dien.txt"
    bad.write_text("# của tôi\nngười tài, nhân tài\nđốt lò =>\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        thesaurus.read_user_file(bad)
    assert err.value.line == 3 and err.value.fix
    lonely = tmp_path / "mot.txt"
    lonely.write_text("chỉ một cụm\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="ít nhất hai cụm từ"):
        thesaurus.read_user_file(lonely)


DOCS = {
    "a.txt": "Tổ chức chích ngừa cho học sinh tiểu học trên địa bàn.\n",
    "b.txt": "Bảo đảm tiêm chủng đầy đủ các loại vắc xin theo lịch.\n",
    "c.txt": "Hợp tác xã sản xuất lúa gạo theo chuỗi giá trị.\n",
}


def test_expansions_reach_passages_but_never_outrank_the_typed_words(tmp_path: Path):
    root = tmp_path / "idx"
    tracuu.build([write_docs(tmp_path / "docs", DOCS)], root, encoder="hashing")
    index = tracuu.open_index(root)
    for query in ("chích ngừa", "chich ngua"):
        # b.txt says "tiêm chủng" only: the thesaurus brings it in, below a.txt, which has the words typed.
        assert [h.document.id for h in index.search(query, 3, mode="lexical")] == ["a.txt", "b.txt"], query
        without = SearchSettings(synonym_weight=0.0)
        assert [h.document.id for h in index.search(query, 3, mode="lexical", settings=without)] == ["a.txt"]
        plan = index.plan(query)
        assert plan.synonym_weight < 1
        assert [s["typed"] for s in plan.to_dict()["synonyms"]] == [query]


def test_a_users_own_file_is_saved_in_the_index_and_used_by_every_face(tmp_path: Path, capsys):
    docs = write_docs(tmp_path / "docs", DOCS)
    rules = tmp_path / "tu-dien.txt"
    rules.write_text("# từ địa phương\ncấy hái => sản xuất lúa gạo\n", encoding="utf-8")
    plain, own = tmp_path / "plain", tmp_path / "own"
    assert main(["build", str(docs), "--index", str(plain), "--encoder", "hashing"]) == 0
    assert main(["build", str(docs), "--index", str(own), "--encoder", "hashing", "--thesaurus", str(rules)]) == 0
    capsys.readouterr()
    assert tracuu.open_index(plain).search("cấy hái", 3, mode="lexical") == []
    hits = tracuu.open_index(own).search("cấy hái", 3, mode="lexical")
    assert hits and hits[0].document.id == "c.txt"
    # The rule travels with the index: an update keeps it, and the CLI shows what it added.
    tracuu.open_index(own).add([docs / "a.txt"])
    assert tracuu.open_index(own).search("cay hai", 3, mode="lexical")[0].document.id == "c.txt"
    assert main(["search", "cấy hái", "--index", str(own), "--json"]) == 0
    understood = json.loads(capsys.readouterr().out)["understood"]
    assert understood["synonyms"] == [{"typed": "cấy hái", "alternatives": ["sản xuất lúa gạo"]}]


def test_a_term_two_typed_phrases_lead_to_is_read_once_by_the_encoder():
    from tracuu.retrieval.query_plan import plan_query
    from tracuu.text import thesaurus as bundled
    from tracuu.text.analyzer import Analyzer
    plan = plan_query("người nghiện ma túy ở cơ sở cai nghiện ma túy", Analyzer(), None, exact_weight=0.5,
                      restored_exact_weight=0.0, thesaurus=bundled.load(), synonym_weight=0.8, dense_synonyms=True)
    assert len(plan.synonyms) >= 2
    assert plan.dense_text.count("tệ nạn ma túy") == 1


def _plan_over(tmp_path, docs: dict[str, str], query: str):
    """The plan a tracuu-e5 index would make (thesaurus terms read by the encoder) over these documents."""
    from tracuu.retrieval.settings import SearchSettings
    tracuu.build([write_docs(tmp_path / "docs", docs)], tmp_path / "idx", encoder="hashing")
    return tracuu.open_index(tmp_path / "idx").plan(query, SearchSettings.for_encoder("tracuu-e5"))


def test_the_encoder_reads_the_term_the_documents_use_not_the_groups_first(tmp_path):
    plan = _plan_over(tmp_path, {"y-te.txt": "Kế hoạch tiêm chủng mở rộng\n\nTổ chức tiêm chủng cho trẻ em ở mọi xã.\n"},
                      "con nít có được chích ngừa miễn phí không")
    assert plan.dense_text == "con nít có được chích ngừa miễn phí không (trẻ em; tiêm chủng)"
    # Without diacritics the same terms, written with them.
    folded = _plan_over(tmp_path / "b", {"y-te.txt": "Tổ chức tiêm chủng cho trẻ em ở mọi xã.\n"}, "chich ngua cho con nit")
    assert folded.dense_text.endswith("(tiêm chủng; trẻ em)")


def test_a_phrase_that_is_already_the_documents_word_adds_no_term_to_the_encoders_text(tmp_path):
    docs = {"ma-tuy.txt": "Luật Phòng, chống ma túy\n\nĐiều 1. Phòng, chống ma túy là trách nhiệm của Ủy ban nhân dân "
                          "các cấp. Người nghiện ma túy được cai nghiện ma túy tự nguyện.\n"}
    plan = _plan_over(tmp_path, docs, "Ủy ban nhân dân xã làm gì để phòng chống ma túy")
    assert {s.typed for s in plan.synonyms} >= {"ủy ban nhân dân", "ma túy"}  # BM25 still reads the thesaurus
    # "tệ nạn ma túy" and "chính quyền địa phương" are rarer here than what was typed; "ubnd" is initials.
    assert plan.dense_text == "Ủy ban nhân dân xã làm gì để phòng chống ma túy"


def test_dense_terms_without_an_index_take_the_first_alternative_written_in_words():
    from tracuu.retrieval.query_plan import dense_terms
    from tracuu.text import thesaurus as bundled
    from tracuu.text.analyzer import Analyzer
    found = bundled.load().find("ủy ban nhân dân và bà con", True)
    assert dense_terms(found, Analyzer(), None) == ["chính quyền địa phương", "nhân dân"]
