"""What a question asks (year, figure, kind) and whether a sentence addresses it; how `ask` decides from evidence."""
from __future__ import annotations

import pytest

from tracuu.qa.ask import decide
from tracuu.qa.asks import asks_of, figure_fit, kind_fit, mentioned, names_in, without_framing, year_fit
from tracuu.qa.confidence import FEATURES, Calibration, calibration

LIFE_2025 = ("Về xã hội: Đến năm 2025, tỉ trọng lao động nông nghiệp trong tổng lao động xã hội khoảng 25%; "
             "tuổi thọ trung bình đạt khoảng 74,5 tuổi.")


def test_years_figures_and_kind_of_a_question():
    a = asks_of("tuổi thọ trung bình năm 2030 theo Nghị quyết Đại hội XIII")
    assert a.years == {"2030"} and not a.figures
    a = asks_of("năm nào kinh phí R&D đạt 5% GDP")
    assert a.figures == {"5"} and a.kind == "time"
    # Numbers that name a document are not figures; nor is a year that dates the document named.
    a = asks_of("Kế hoạch 3260-KH/ĐĐQH15 của Đảng đoàn Quốc hội ban hành ngày nào")
    assert not a.figures and not a.years
    a = asks_of("Nghị quyết 20 năm 2012 đặt mục tiêu đầu tư cho khoa học công nghệ năm 2025 là bao nhiêu")
    assert a.years == {"2025"} and not a.figures and a.kind == "quantity"
    assert asks_of("ai chủ trì phiên họp thứ nhất").kind == "person"
    assert asks_of("cơ quan nào bảo đảm kinh phí").kind == "body"
    assert asks_of("so sánh chỉ tiêu kinh tế số trong NQ 57 và NQ 03").comparison
    assert not asks_of("tỉ lệ phủ sóng 6G năm 2030").figures  # "6G" is a name, not a figure


def test_a_2025_sentence_does_not_answer_a_2030_question():
    assert year_fit(asks_of("tuổi thọ trung bình năm 2030"), LIFE_2025, "") == 0.0
    assert year_fit(asks_of("tuổi thọ trung bình năm 2025"), LIFE_2025, "") == 1.0
    # Without a year of its own, the sentence is read under its heading.
    bullet = "Tối thiểu có 5 doanh nghiệp công nghệ số ngang tầm các nước tiên tiến."
    assert year_fit(asks_of("doanh nghiệp công nghệ số năm 2030"), bullet, "1. Đến năm 2030") == 0.8
    assert year_fit(asks_of("doanh nghiệp công nghệ số năm 2035"), bullet, "1. Đến năm 2030") == 0.2


def test_figures_ordinals_and_kinds_are_checked_in_the_sentence():
    r_and_d = "Kinh phí chi cho nghiên cứu phát triển (R&D) đạt 2% GDP, trong đó kinh phí từ xã hội chiếm hơn 60%."
    assert figure_fit(asks_of("năm nào kinh phí R&D đạt 5% GDP"), r_and_d, r_and_d) == 0.0
    assert figure_fit(asks_of("kinh phí R&D đạt 2% GDP"), r_and_d, r_and_d) == 1.0
    second = asks_of("ai chủ trì phiên họp thứ hai của Ban Chỉ đạo")
    assert figure_fit(second, "Tổng Bí thư Tô Lâm chủ trì Phiên họp.", "Thứ hai, ngày 20/01/2025 họp Phiên thứ nhất") == 0
    assert kind_fit(asks_of("giao dịch không dùng tiền mặt đạt bao nhiêu"), r_and_d) == 1.0
    assert kind_fit(asks_of("giao dịch không dùng tiền mặt đạt bao nhiêu"), "Đẩy mạnh thanh toán số.") == 0.0
    assert kind_fit(asks_of("ai chủ trì phiên họp"), "Tổng Bí thư Tô Lâm, Trưởng Ban Chỉ đạo chủ trì Phiên họp.") == 1
    assert kind_fit(asks_of("ai chủ trì phiên họp"), "Ban Chỉ đạo đã họp Phiên thứ nhất.") == 0
    assert kind_fit(asks_of("Nghị quyết 03/NQ-CP ký ngày nào"), "Hà Nội, ngày 09 tháng 01 năm 2025") == 1


def _features(**changes: float) -> dict[str, float]:
    good = dict.fromkeys(FEATURES, 1.0) | {"unseen": 0.0}
    return good | changes


def test_confidence_is_a_fitted_probability_stored_as_data():
    cal = calibration()
    assert 0 < cal.low_at < cal.answer_at < 1
    p = cal.probability(_features())
    assert 0.9 < p < 1
    # A year mismatch lowers confidence sharply, below answering even when every word and the encoder agree;
    # a missing figure too.
    assert cal.probability(_features(year=0.0)) < min(cal.answer_at, p - 0.3)
    assert cal.probability(_features(figure=0.0)) < p - 0.1


def test_decide_answers_or_labels_low_confidence_or_abstains():
    cal = Calibration(tuple(1.0 if f != "unseen" else -1.0 for f in FEATURES), -6.0, answer_at=0.7, low_at=0.2)
    assert decide([_features()], cal)[1] == "answered"
    middling = _features(dense=0.2, sentence=0.5)
    confidence, status = decide([middling], cal)
    assert cal.low_at <= confidence < cal.answer_at and status == "low_confidence"
    # The same middling evidence about another year is no answer at all.
    assert decide([middling | {"year": 0.0, "dense": 1.0}], cal)[1] == "not_found"
    # A comparison is as sure as its least sure side.
    assert decide([_features(), _features(coverage=0, exact=0, sentence=0, dense=0)], cal)[1] == "not_found"


@pytest.mark.parametrize("question", ["mức lương cơ sở năm 2025 là bao nhiêu?", "tuổi thọ trung bình năm 2030"])
def test_questions_with_a_year_keep_it(question):
    assert asks_of(question).years


def test_proper_names_of_a_question():
    assert names_in("Bí thư Thành ủy Đà Nẵng yêu cầu gì về học tập nghị quyết") == ["Đà Nẵng", "Thành ủy Đà Nẵng"]
    assert names_in("Tổng Bí thư Tô Lâm nói gì về chuyển đổi số") == ["Tô Lâm"]
    assert names_in("NQ ĐH XIII: tỉ trọng lao động nông nghiệp") == []  # abbreviations are no names
    assert names_in("bi thu thanh uy Da Nang") == []


def test_the_years_of_a_lists_lead_in_are_the_sentences_own():
    # NQ XIII: "Định hướng các chỉ tiêu chủ yếu … 5 năm 2021 - 2025:" introduces "Về kinh tế: …", which names no year.
    a = asks_of("chỉ tiêu tăng trưởng GDP bình quân giai đoạn 2021-2025 theo NQ ĐH 13")
    assert a.years == {"2021", "2025"}
    growth = "Về kinh tế: Tốc độ tăng trưởng kinh tế (GDP) bình quân 5 năm đạt khoảng 6,5 - 7%/năm."
    lead = "Định hướng các chỉ tiêu chủ yếu về phát triển kinh tế - xã hội 5 năm 2021 - 2025:"
    assert year_fit(a, growth, "", lead) == 1.0
    assert year_fit(a, growth, "") == 0.5  # without its lead-in the sentence says nothing of the period
    assert year_fit(asks_of("tốc độ tăng trưởng GDP giai đoạn 2026-2030"), growth, "", lead) == 0.0


def test_a_comparison_without_its_framing_is_what_each_side_is_asked():
    q = "So sánh mục tiêu của Nghị quyết 57-NQ/TW và Nghị quyết 03/NQ-CP về chuyển đổi số"
    assert without_framing(q) == "mục tiêu của Nghị quyết 57-NQ/TW và Nghị quyết 03/NQ-CP về chuyển đổi số"
    assert without_framing("NQ 57 và NQ 03 khác nhau thế nào về kinh tế số") == "NQ 57 và NQ 03 thế nào về kinh tế số"
    assert without_framing("so sanh: quy mo kinh te so") == "quy mo kinh te so"
    assert without_framing("tỉ lệ che phủ rừng") == "tỉ lệ che phủ rừng"


HANOI_MEETING = ("Sáng 22/4, Thành ủy Hà Nội tổ chức hội nghị trực tuyến học tập, quán triệt 10 chương trình công tác "
                 "của Thành ủy khóa 17 nhiệm kỳ 2020-2025.")


def test_a_period_is_not_met_by_another_period_sharing_one_of_its_years():
    # Fresh n02 (answered at 0.82): "nhiệm kỳ 2025-2030" from the 2020-2025 programmes, checked year by year.
    later = asks_of("10 chương trình công tác của Thành ủy Hà Nội nhiệm kỳ 2025-2030 ban hành ngày nào")
    assert later.ranges == {("2025", "2030")}
    assert year_fit(later, HANOI_MEETING, "") == 0.0
    assert year_fit(asks_of("nhiệm kỳ 2010-2015 Đảng bộ Hà Nội đạt được những kết quả gì"),
                    "Bí thư Thành ủy Hà Nội nhắc lại, nhiệm kỳ 2015-2020, Đảng bộ … đạt được những kết quả quan trọng.",
                    "") == 0.0
    same = asks_of("hội nghị quán triệt chương trình công tác nhiệm kỳ 2020 - 2025 diễn ra hôm nào")
    assert year_fit(same, HANOI_MEETING, "") == 1.0
    # The nearest period above a sentence that names none decides, as a year does.
    issued = "ngày 17/3 vừa qua, Thành ủy Hà Nội đã ban hành 10 chương trình công tác."
    assert year_fit(later, issued, "Thành ủy khóa 17 nhiệm kỳ 2020-2025. nhiệm kỳ 2015-2020") == 0.2
    assert year_fit(same, issued, "nhiệm kỳ 2015-2020, Thành ủy khóa 17 nhiệm kỳ 2020-2025.") == 0.8


def test_a_year_inside_a_period_answers_it_but_not_its_first_year():
    productivity = ("Đến năm 2025, GDP bình quân đầu người khoảng 4.700 - 5.000 USD; tốc độ tăng năng suất lao động xã "
                    "hội bình quân trên 6,5%/năm.")
    assert year_fit(asks_of("năng suất lao động tăng bình quân bao nhiêu giai đoạn 2021-2025"), productivity, "") == 1.0
    # 2025 ends the previous period: it is no target of "giai đoạn 2025-2030".
    assert year_fit(asks_of("tốc độ tăng năng suất lao động giai đoạn 2025-2030"), productivity, "") == 0.0
    assert year_fit(asks_of("quy mô kinh tế số giai đoạn 2025-2030"),
                    "Quy mô kinh tế số đạt tối thiểu 30% GDP đến năm 2030.", "") == 1.0
    # A lone year asked is met by a period ending (or starting) with it, as before.
    assert year_fit(asks_of("tỉ lệ thất nghiệp năm 2025"), "phát triển kinh tế - xã hội 5 năm 2021 - 2025", "") == 1.0


def test_bodies_named_by_their_type_and_name():
    assert names_in("Bí thư Thành ủy Hải Phòng yêu cầu gì khi quán triệt chương trình công tác") == [
        "Hải Phòng", "Thành ủy Hải Phòng"]
    assert names_in("Ủy ban Y tế của Quốc hội phải rà soát những luật nào") == ["Ủy ban Y tế"]
    assert names_in("Ban Dân nguyện giúp UBTVQH việc gì") == ["Ban Dân nguyện"]
    # A title or a lowercase word after the type names no body.
    assert names_in("Ban cán sự đảng Chính phủ được yêu cầu rà soát quy hoạch nào") == []
    assert "Bộ trưởng" not in " ".join(names_in("Bộ trưởng Bộ Tài chính được giao gì"))


def test_a_name_is_mentioned_whatever_its_marks_placement_and_case():
    heading = "h) Tổ đảng ở Thường trực Uỷ ban Quốc phòng và An ninh"
    assert mentioned("Ủy ban Quốc phòng", heading)
    assert not mentioned("Ủy ban Y tế", heading)
    assert not mentioned("Hải Phòng", "Bí thư Thành ủy Hà Nội yêu cầu quá trình nghiên cứu, học tập, quán triệt")


def test_a_name_no_passage_mentions_lowers_the_confidence_below_answering():
    # Fresh n09: "Thành ủy Hải Phòng" answered at 0.70 from Hà Nội's text; `names` only gated the low label.
    cal = Calibration(tuple([1.0] * len(FEATURES)), -4.0, answer_at=0.65, low_at=0.15)
    seen = dict.fromkeys(FEATURES, 1.0) | {"unseen": 0.0, "names": 1.0}
    confidence, status = decide([seen], cal)
    assert status == "answered"
    lowered, status = decide([seen | {"names": 0.0}], cal)
    assert status == "not_found" and lowered == pytest.approx(confidence * 0.5, abs=1e-3)


def test_a_question_asking_which_laws_wants_a_sentence_naming_laws():
    asks = asks_of("Ủy ban Quốc phòng và An ninh phải rà soát những luật nào")
    assert asks.kind == "law" and asks_of("uy ban kinh te tham tra cac luat nao").kind == "law"
    assert kind_fit(asks, "Chủ trì thẩm tra các dự án: Luật An ninh mạng, Luật An toàn thông tin, Luật Cơ yếu.") == 1
    assert kind_fit(asks, "Thực hiện một số nội dung khác thuộc chức năng, nhiệm vụ của Ủy ban.") == 0
    assert asks_of("luật này có hiệu lực khi nào").kind == "time"  # "luật" alone asks no list of laws


def test_document_numbers_are_names_whatever_their_separators():
    assert names_in("Nghị quyết 03/NQ-CP của Chính phủ ký ngày nào") == ["03/NQ-CP"]
    assert names_in("nghi quyet 57-NQ/TW ban hanh ngay nao") == ["57-NQ/TW"]  # numbers also in unaccented questions
    assert mentioned("57/NQ-TW", "Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024")
    assert mentioned("3260-KH/ĐĐQH15", "Kế hoạch số 3260-KH/ĐĐQH15 ngày 10/01/2025")
    assert not mentioned("03/NQ-CP", "Nghị quyết số 103/NQ-CP")
    assert not mentioned("58-NQ/TW", "Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024")


def test_an_ordinal_is_met_by_the_title_of_the_event_it_names():
    # The article "Phiên họp thứ nhất Ban Chỉ đạo …" speaks of that meeting in every paragraph.
    asks = asks_of("Bộ trưởng Bộ Tài chính được giao nhiệm vụ gì tại phiên họp thứ nhất Ban Chỉ đạo")
    task = "Bộ trưởng Bộ Tài chính chỉ đạo bố trí ngân sách nhà nước chi cho sự nghiệp khoa học."
    assert figure_fit(asks, task, task) == 0
    assert figure_fit(asks, task, task, "Phiên họp thứ nhất Ban Chỉ đạo Trung ương về phát triển khoa học") == 1
    assert figure_fit(asks, task, task, "Phiên họp thứ hai Ban Chỉ đạo Trung ương") == 0
