"""`ask`: verbatim answers with citations over the shipped corpus, and an honest "not found" when evidence is weak."""
from __future__ import annotations

import pytest

import tracuu
from tracuu.qa.ask import LOW_CONFIDENCE, NOT_FOUND
from tracuu.qa.asks import asks_of, names_in
from tracuu.qa.evidence import QueryTerms, plain
from tracuu.evaluate import bench_fold, read_gold
from tracuu.results import Answer

from helpers import CORPUS, SHARED_BENCH, needs_dev_set

# Questions this corpus cannot answer (besides party-dev d16): everyday life, prices, other fields of law.
# bench/answers.py asks the same ones with the real encoder.
NO_ANSWER = [
    "giá vàng hôm nay",
    "đội tuyển bóng đá Việt Nam vô địch AFF Cup năm nào",
    "thời tiết Hà Nội ngày mai",
    "cách nấu phở bò",
    "tỷ giá đô la Mỹ hôm nay",
    "mức phạt vượt đèn đỏ xe ô tô",
    "thu tuc cap ho chieu pho thong",
    "Lương hưu của giáo viên mầm non năm 2026",
]
# Harder: they share words with the corpus ("tối thiểu", "bắt buộc"); term overlap alone (the test encoder)
# cannot reject them, the real encoder's similarity does (test_real_encoder_abstains, marked slow).
NEAR_MISSES = ["Lương tối thiểu vùng năm 2026 là bao nhiêu", "bảo hiểm xe máy bắt buộc giá bao nhiêu"]




def assert_verbatim(index: tracuu.Index, answer: Answer) -> None:
    for c in answer.citations:
        text = index.document_text(c.document.id)
        assert c.text == text[c.char_start:c.char_end], (answer.question, c.citation.text)
        d = c.to_dict()
        assert d["quote"] == text[d["char_start"]:d["char_end"]]
        assert d["citation"] and d["document"]["id"] == c.document.id


def test_every_party_dev_answer_is_verbatim(shared_index):
    gold = read_gold(needs_dev_set(SHARED_BENCH / "party-dev.jsonl"))
    answered = 0
    for q in gold:
        for question in (q.query, bench_fold(q.query)):  # as written and typed without diacritics
            a = shared_index.ask(question)
            assert 0.0 <= a.confidence <= 1.0
            assert a.citations, question
            assert_verbatim(shared_index, a)
            if a.answer is not None:
                answered += 1
                assert all(c.shown in a.answer for c in a.citations)  # the words without the source's markup
                assert "**" not in a.answer and "\\." not in a.answer
    assert answered >= len(gold)  # most questions get an answer even with the tiny test encoder


def test_direct_questions_find_their_gold_sentence(shared_index):
    for question, snippet in [("tỷ lệ lao động qua đào tạo", "tỉ lệ lao động qua đào tạo là 70%"),
                              ("Bí thư Thành ủy Hà Nội yêu cầu gì về học tập, quán triệt",
                               "đề cao tinh thần tự học, tự nghiên cứu"),
                              ("đường lối đối ngoại độc lập tự chủ đa phương hóa đa dạng hóa",
                               "đường lối đối ngoại độc lập, tự chủ, đa phương hoá, đa dạng hoá")]:
        a = shared_index.ask(question)
        assert a.answer is not None and bench_fold(snippet) in bench_fold(a.answer), question
        assert a.confidence >= 0.55


@pytest.mark.parametrize("question", NO_ANSWER)
def test_abstains_when_the_corpus_cannot_answer(shared_index, question):
    a = shared_index.ask(question)
    assert a.answer is None and a.message == NOT_FOUND and a.confidence < 0.55
    assert 1 <= len(a.citations) <= 3  # the closest passages, still cited verbatim
    assert_verbatim(shared_index, a)
    d = a.to_dict()
    assert d["answer"] is None and d["message"] == NOT_FOUND and d["citations"][0]["quote"]


def test_json_shape(shared_index):
    d = shared_index.ask("tuổi thọ trung bình đạt khoảng bao nhiêu tuổi").to_dict()
    assert set(d) >= {"question", "answer", "confidence", "citations"}
    c = d["citations"][0]
    assert set(c) >= {"quote", "document", "section", "page", "char_start", "char_end", "citation"}


def test_question_terms_ignore_question_words_and_weigh_unknown_words_most(shared_index):
    terms = QueryTerms.of(shared_index, "ai chủ trì phiên họp thứ nhất")
    assert "ai" not in terms.weights and asks_of("ai chủ trì phiên họp thứ nhất").kind == "person"
    unknown = QueryTerms.of(shared_index, "chuyển đổi số lương hưu")
    assert unknown.weights["huu"] > unknown.weights["chuyen"]
    assert asks_of("giao dịch không dùng tiền mặt đạt bao nhiêu").kind == "quantity"
    assert not QueryTerms.of(shared_index, "ty le do thi hoa").accented


def test_plain_removes_markdown_debris_only():
    assert plain("2\\. Khẩn trương, quyết** liệt **hoàn thiện") == "2. Khẩn trương, quyết liệt hoàn thiện"


@pytest.mark.slow
def test_real_encoder_abstains_and_answers(tmp_path_factory):
    root = tmp_path_factory.mktemp("e5") / "idx"
    tracuu.build([CORPUS], root)  # the default e5-small: ~1-3 minutes
    index = tracuu.open_index(root)
    for question in NO_ANSWER + NEAR_MISSES:
        assert index.ask(question).answer is None, question
    a = index.ask("giao dịch không dùng tiền mặt đạt bao nhiêu phần trăm")
    assert a.answer and "80%" in a.answer
    assert_verbatim(index, a)
    # Issue 15: near misses by year or topic abstain; a comparison answers per document; quotes carry the theme.
    for question in ("mức lương cơ sở năm 2025 là bao nhiêu?", "tuổi thọ trung bình năm 2030 theo Nghị quyết Đại hội XIII"):
        assert index.ask(question).status == "not_found", question
    both = index.ask("so sánh mục tiêu đóng góp của TFP vào tăng trưởng trong Nghị quyết 20 và Nghị quyết 57")
    assert len({c.document.id for c in both.citations}) == 2
    assert "35%" in both.answer and "55%" in both.answer
    both = index.ask("So sánh mục tiêu của Nghị quyết 57-NQ/TW và Nghị quyết 03/NQ-CP về chuyển đổi số")
    assert both.status == "answered" and len(both.citations) == 2
    assert {c.document.id[:4] for c in both.citations} == {"nq57", "nq03"}
    assert all("khát vọng" in q.text.lower() for q in index.quotes("khát vọng phát triển đất nước", 5))


def test_cli_ask_quotes_show(tmp_path, docs_dir, capsys):
    import json

    from tracuu.cli import main
    root = tmp_path / "idx"
    assert main(["build", str(docs_dir), "--index", str(root), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    assert main(["ask", "tỉ lệ lao động qua đào tạo", "--index", str(root), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "70%" in out["answer"] and out["citations"][0]["quote"] in out["answer"]
    assert main(["ask", "giá vàng hôm nay", "--index", str(root)]) == 0
    assert NOT_FOUND in capsys.readouterr().out
    assert main(["quotes", "chuyển đổi số", "--index", str(root), "--json"]) == 0
    quotes = json.loads(capsys.readouterr().out)["quotes"]
    assert quotes and "đột phá quan trọng hàng đầu" in quotes[0]["quote"]
    assert main(["show", quotes[0]["passage_id"], "--index", str(root), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert quotes[0]["passage_id"] in [p["id"] for p in shown["passages"]]
    assert main(["show", "nope", "--index", str(root)]) == 2
    assert "không có đoạn" in capsys.readouterr().err


def test_an_abbreviation_is_covered_by_its_full_form(shared_index):
    # Documents write "Ban Chỉ đạo" out; the cadre types "BCĐ". Its terms are those of the full form.
    for question in ("BCĐ phải làm gì", "BCD phai lam gi"):
        a = shared_index.ask(question)
        assert a.answer is not None, (question, a.confidence)
        assert "Ban Chỉ đạo" in a.answer or "Ban chỉ đạo" in a.answer


@pytest.mark.parametrize("subject", ["tỉ lệ che phủ rừng", "tỉ lệ thất nghiệp ở khu vực thành thị",
                                     "tỉ lệ lao động qua đào tạo"])
def test_a_year_the_text_does_not_give_is_not_answered_with_another_years_figure(shared_index, subject):
    right = shared_index.ask(f"{subject} năm 2025")
    assert right.status == "answered" and "2025" in right.answer
    wrong = shared_index.ask(f"{subject} năm 2030")  # the resolution gives 2025 figures only
    assert wrong.status == "not_found" and wrong.answer is None
    assert wrong.confidence < right.confidence - 0.3


@pytest.mark.parametrize("question", ["mức lương cơ sở năm 2025 là bao nhiêu?", "năm nào kinh phí R&D đạt 5% GDP"])
def test_neighbouring_topic_or_wrong_figure_abstains(shared_index, question):
    a = shared_index.ask(question)
    assert a.status == "not_found" and a.answer is None and a.message == NOT_FOUND


def test_status_in_every_output(shared_index):
    d = shared_index.ask("giao dịch không dùng tiền mặt đạt bao nhiêu phần trăm").to_dict()
    assert d["status"] in {"answered", "low_confidence"} and d["answer"] and "80" in d["answer"]
    assert Answer("q", None, 0.1).status == "not_found" and Answer("q", "a", 0.9).status == "answered"
    low = Answer("q", "Đến năm 2025, tỉ lệ đô thị hoá khoảng 45%.", 0.4, (), LOW_CONFIDENCE, status="low_confidence")
    assert low.to_dict()["status"] == "low_confidence" and low.to_dict()["message"] == LOW_CONFIDENCE


def test_document_references_are_no_content_and_abbreviations_count_as_typed(shared_index):
    terms = QueryTerms.of(shared_index, "chỉ tiêu tăng trưởng GDP bình quân theo NQ ĐH 13")
    assert not {"nq", "dh", "13"} & (set(terms.weights) | set(terms.typed))
    # The resolution writes "(GDP)": the question as typed covers it even where "tổng sản phẩm" is absent.
    sentence = "Về kinh tế: Tốc độ tăng trưởng kinh tế (GDP) bình quân 5 năm đạt khoảng 6,5 - 7%/năm."
    tokens = set(shared_index.analyzer.analyze(sentence).folded)
    written_out = QueryTerms(terms.weights, terms.numbers, terms.accented, terms.marked)  # "tổng sản phẩm …"
    assert "gdp" in terms.typed and terms.coverage(tokens) > written_out.coverage(tokens) + 0.2


def test_the_gdp_growth_target_2021_2025_is_answered_from_its_list_item(shared_index):
    # Issue 15: refused at 0.53 though the first passage holds "6,5 - 7%/năm"; the item "Về kinh tế: …" names no
    # year: its list's lead-in, at the end of the previous passage, says "5 năm 2021 - 2025".
    a = shared_index.ask("chỉ tiêu tăng trưởng GDP bình quân giai đoạn 2021-2025 theo NQ ĐH 13")
    assert a.status != "not_found" and "6,5 - 7%/năm" in a.answer
    assert_verbatim(shared_index, a)


def test_a_neighbouring_topic_spread_over_clauses_is_not_answered(shared_index):
    # "bảo hiểm y tế" and "thất nghiệp" are two clauses of the 2025 social targets; unemployment insurance is not.
    assert shared_index.ask("ty le tham gia bao hiem that nghiep nam 2025").status != "answered"
    assert shared_index.ask("tỉ lệ thất nghiệp ở khu vực thành thị năm 2025").status == "answered"


def test_a_comparison_of_nq57_and_nq03_reads_nq03s_annex_as_part_of_it(shared_index):
    # Issue 15: refused, and the NQ 03 side left out "Phụ lục I", which holds NQ 03's targets.
    a = shared_index.ask("so sánh chỉ tiêu giao dịch không dùng tiền mặt trong NQ 57 và NQ 03")
    assert a.status == "answered"
    sides = {c.document.id.split("_")[0].split("-")[0] for c in a.citations}
    assert sides == {"nq57", "nq03"}
    annex = [c for c in a.citations if c.document.metadata.get("annex")]
    assert annex and annex[0].citation.text.startswith("Phụ lục I kèm theo Nghị quyết số 03/NQ-CP ngày 09/01/2025")
    assert "80%" in a.answer and "giao dịch không dùng tiền mặt" in a.answer
    assert_verbatim(shared_index, a)


def test_a_place_or_body_no_passage_names_is_not_answered_but_a_heading_counts(shared_index):
    # Fresh n09: the Hà Nội article answered "Thành ủy Hải Phòng" at 0.70.
    from tracuu.qa.ask import assess
    absent = assess(shared_index, "Bí thư Thành ủy Hải Phòng yêu cầu gì khi quán triệt chương trình công tác")
    assert absent.features[0]["names"] == 0.0
    assert shared_index.ask("Bí thư Thành ủy Hải Phòng yêu cầu gì khi quán triệt chương trình công tác").status \
        != "answered"
    # Kế hoạch 3260 names the committee only in the heading above its tasks ("h) Tổ đảng ở Thường trực Ủy ban Quốc
    # phòng và An ninh"): that is a mention.
    named = assess(shared_index, "Ủy ban Quốc phòng và An ninh của Quốc hội phải rà soát những luật nào")
    assert named.features[0]["names"] == 1.0


def test_the_sentence_naming_the_body_asked_about_is_chosen(shared_index):
    # Session 10: the meeting's generic opening ("… đã họp Phiên thứ nhất.") shares more of the question's words;
    # the minister's own task names his ministry, and "thứ nhất" is met by the article's title.
    a = shared_index.ask("Bộ trưởng Bộ Khoa học và Công nghệ được giao nhiệm vụ gì tại phiên họp thứ nhất Ban Chỉ đạo")
    assert a.status == "answered"
    assert a.citations[0].text.startswith("Bộ trưởng Bộ Khoa học và Công nghệ chỉ đạo xây dựng")
    assert_verbatim(shared_index, a)


def test_a_resolution_number_no_document_holds_is_not_answered(shared_index):
    # "61-NQ/TW" is in no document: the passages about NQ 57's date answer another question.
    assert shared_index.ask("Nghị quyết 61-NQ/TW của Bộ Chính trị ban hành ngày nào").status != "answered"
    a = shared_index.ask("Nghị quyết 57-NQ/TW của Bộ Chính trị ban hành ngày nào")
    assert a.status == "answered" and "22 tháng 12 năm 2024" in a.answer


def test_a_passage_under_the_heading_of_the_body_asked_about_is_read_below_the_top_five(shared_index):
    # Kế hoạch 3260 lists each committee's tasks under its own heading ("i) Tổ đảng ở Thường trực Ủy ban Văn hóa,
    # Giáo dục"); BM25 reads the passage, not the heading, so that passage can rank below the five ask reads.
    from tracuu.qa.ask import _hits, assess
    question = "Ủy ban Văn hóa, Giáo dục của Quốc hội phải làm gì"
    top = shared_index.search(question, 10)
    under = [h.passage.id for h in top[5:] if "Ủy ban Văn hóa, Giáo dục" in h.passage.section[-1]]
    assert under  # the case this rule is for
    hits = _hits(shared_index, question, 5, names_in(question))
    assert [h.passage.id for h in hits[:5]] == [h.passage.id for h in top[:5]]
    assert [h.passage.id for h in hits[5:]] == under  # no other passage below the fifth
    assert set(under) <= {h.passage.id for h in assess(shared_index, question).hits}
    assert len(_hits(shared_index, "tuổi thọ trung bình năm 2025", 5, [])) == 5  # nothing named: the top five


def test_a_stub_is_judged_by_what_its_quote_shows(shared_index):
    # "Số 3260-KH/ĐĐQH15" is quoted joined to the dateline below it: that date answers "ký ngày nào".
    from tracuu.qa.ask import assess, quotes_of
    a = assess(shared_index, "Kế hoạch 3260-KH/ĐĐQH15 ký ngày nào")
    best = a.chosen[0]
    assert best.c.text == "Số 3260-KH/ĐĐQH15"
    assert best.kind == 1.0 and a.features[0]["kind"] == 1.0
    assert "Hà Nội, ngày 10 tháng 01 năm 2025" in quotes_of(shared_index, a)[0].text
