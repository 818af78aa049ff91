"""Diacritic restorer: context-resolved restoration, case, typed accents, pass-through, save/load without pickle."""
import re
import time
import unicodedata

import pytest

from tracuu.text.diacritics import DiacriticRestorer

CORPUS = [
    "Chuyển đổi số là đột phá quan trọng hàng đầu. Đẩy mạnh chuyển đổi số quốc gia.",
    "Đường lối đối ngoại độc lập, tự chủ, đa phương hoá, đa dạng hoá. Kiên định đường lối đổi mới.",
    "Thực hiện đường lối của Đảng. Kết quả xét nghiệm dương tính. Dương tính với vi rút.",
    "Thành ủy Hà Nội tổ chức hội nghị. Nhân dân Hà Nội. Đại hội đại biểu toàn quốc lần thứ XIII của Đảng.",
    "Quyết định số 15/QĐ-TTg về quy hoạch giáo dục. Hoàn thành kế hoạch. Giữ vững quốc phòng.",
    "Nghị quyết Đại hội XIII của Đảng. Nghị quyết số 57-NQ/TW của Bộ Chính trị.",
]


@pytest.fixture(scope="module")
def model() -> DiacriticRestorer:
    return DiacriticRestorer.train(CORPUS)


def test_restores_a_phrase_seen_in_the_corpus(model):
    assert model.restore("chuyen doi so") == "chuyển đổi số"
    assert model.restore("nghi quyet dai hoi") == "nghị quyết đại hội"


def test_keeps_the_case_pattern_of_each_syllable(model):
    assert model.restore("Ha Noi") == "Hà Nội"
    assert model.restore("HA NOI") == "HÀ NỘI"
    assert model.restore("Chuyen Doi So") == "Chuyển Đổi Số"
    assert model.restore("Duong loi cua Dang") == "Đường lối của Đảng"


def test_typed_accents_are_kept_and_constrain_neighbours(model):
    assert model.restore("nghị quyết dai hoi") == "nghị quyết đại hội"
    assert model.restore("đổi moi") == "đổi mới"
    # The typed "tính" makes "duong" read "dương", not the more frequent "đường".
    assert model.restore("duong tính") == "dương tính"
    # A typed accent is never changed, even where the model would prefer another word ("đường lối").
    assert model.restore("dương loi").startswith("dương ")


def test_unknown_tokens_numbers_and_punctuation_pass_through(model):
    text = "Nghi quyet so 57-NQ/TW (xyzzy), nam 2025; 100% -- iPhone!"
    out = model.restore(text)
    assert out.startswith("Nghị quyết số 57-NQ/TW (xyzzy)")
    assert "2025; 100% -- iPhone!" in out
    assert model.restore("") == ""
    assert model.restore("  ,;  ") == "  ,;  "
    assert model.restore("  Ha   Noi!! ") == "  Hà   Nội!! "


def test_d_becomes_dj(model):
    assert model.restore("dang") == "đảng"
    assert model.restore("Dai hoi cua Dang") == "Đại hội của Đảng"


def test_ambiguity_resolved_by_context(model):
    assert model.restore("duong loi") == "đường lối"
    assert model.restore("ket qua duong tinh") == "kết quả dương tính"
    assert model.restore("duong loi doi ngoai") == "đường lối đối ngoại"


def test_closed_syllables_and_qu_gi_onsets(model):
    assert model.restore("hoan thanh ke hoach") == "hoàn thành kế hoạch"
    assert model.restore("giu vung quoc phong") == "giữ vững quốc phòng"
    assert model.restore("quyet dinh ve quy hoach giao duc") == "quyết định về quy hoạch giáo dục"


def test_lone_capital_abbreviations_stay(model):
    assert model.restore("Nghi quyet 15-NQ/TU") == "Nghị quyết 15-NQ/TU"
    assert model.restore("NQ/TW") == "NQ/TW"


def test_nfd_input_gives_nfc_output(model):
    nfd = unicodedata.normalize("NFD", "Nghị quyết dai hoi")
    assert model.restore(nfd) == "Nghị quyết đại hội"


def test_save_load_round_trip_writes_no_pickle(model, tmp_path):
    model.save(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["restorer.json", "restorer.npz"]
    for p in tmp_path.iterdir():
        assert not p.read_bytes().startswith(b"\x80")  # pickle protocol header
    loaded = DiacriticRestorer.load(tmp_path)
    for q in ["chuyen doi so", "HA NOI", "duong loi doi ngoai", "Nghi quyet 57-NQ/TW cua Bo Chinh tri", "dương tinh"]:
        assert loaded.restore(q) == model.restore(q)


def test_short_query_is_fast(model):
    q = "duong loi doi ngoai doc lap tu chu da phuong hoa da dang hoa chuyen doi so quoc gia"
    model.restore(q)
    started = time.perf_counter()
    for _ in range(20):
        model.restore(q)
    assert (time.perf_counter() - started) / 20 < 0.05  # generous: the machine is shared; the bench measures it


def test_people_s_own_words_come_back_from_the_shipped_questions():
    """A corpus of resolutions says "nhân dân" and "tiêm chủng"; people type "ba con" and "chich ngua". The
    restorer also learns from data/questions.txt (training/make_questions.py) and the thesaurus's phrases."""
    documents = ["Tập trung tiêm chủng đại trà vắc-xin cho cộng đồng, chăm lo đời sống Nhân dân."] * 3
    with_questions = DiacriticRestorer.train(documents)
    alone = DiacriticRestorer.train(documents, question_phrases=False)
    assert with_questions.restore("ba con muon chich ngua") == "bà con muốn chích ngừa"
    assert alone.restore("ba con muon chich ngua") != "bà con muốn chích ngừa"
    # The documents' own words still come back as the documents write them.
    assert with_questions.restore("tiem chung dai tra") == "tiêm chủng đại trà"


def test_shipped_questions_are_the_training_questions_typed_with_diacritics():
    """data/questions.txt is made from training/data by training/make_questions.py; an edit of either shows."""
    import sys

    from helpers import ROOT
    sys.path.insert(0, str(ROOT))
    from training.make_questions import OUT, render
    from tracuu.text.analyzer import fold
    from tracuu.text.thesaurus import question_texts
    assert OUT.read_text(encoding="utf-8") == render()
    assert len(question_texts()) > 5000 and all(fold(q) != q for q in question_texts())


def test_shipped_everyday_texts_load_nfc_and_accented():
    """data/everyday.txt: everyday phrases written by hand, one a line, NFC, 3 or more syllables, no repeats."""
    from tracuu.text.analyzer import fold
    from tracuu.text.thesaurus import everyday_texts
    lines = everyday_texts()
    assert len(lines) > 2000
    assert all(unicodedata.normalize("NFC", line) == line for line in lines)
    assert all(len(line.split()) >= 3 and not line.startswith("#") for line in lines)
    assert len({line.lower() for line in lines}) == len(lines)
    assert sum(fold(line) != line for line in lines) > 0.99 * len(lines)


def test_everyday_words_come_back_in_frames_the_file_does_not_hold():
    """A formal text says "khám", "tháng", "học", "cử"; people type "kham kha", "leo thang", "hoc bua", "cu hich".
    data/everyday.txt teaches their neighbours; these sentences are not lines of it."""
    from tracuu.text.analyzer import fold
    from tracuu.text.thesaurus import everyday_texts
    documents = ["Tổ chức khám chữa bệnh bảo hiểm y tế hằng tháng. Kết quả học tập của học sinh. Bầu cử đại biểu "
                 "Hội đồng nhân dân. Do đó cần thực hiện nghiêm. Ban hành quy định về thuế giá trị gia tăng."] * 3
    everyday = DiacriticRestorer.train(documents)
    alone = DiacriticRestorer.train(documents, question_phrases=False)
    phrases = ["nhà cửa khấm khá hơn năm ngoái", "giá thuê nhà ở thành phố leo thang",
               "thủ tục đất đai vẫn là bài toán hóc búa", "cần một cú hích cho nông thôn", "ai cầm trịch việc này",
               "quẹt thẻ khi đi chợ", "tiến độ dự án lẹt đẹt", "giữ nếp xưa của ông bà", "bỏ lề thói quan liêu"]
    # "tiến độ dự án vẫn lẹt đẹt" was here: in these five sentences "vẫn" beat "văn" by 0.1 nat, and data/words.txt
    # (63 lines with "văn": văn bản, công văn, luận văn ...) tips it to "văn". Trained on the party corpus, ten
    # phrases with "vẫn" come back the same with and without words.txt ("dự án vẫn" is "dự án văn" in both), so the
    # phrase now tests "lẹt đẹt" without that near tie.
    shipped = "\n".join(everyday_texts())
    for phrase in phrases:
        assert phrase not in shipped
        assert everyday.restore(fold(phrase)) == phrase
        assert alone.restore(fold(phrase)) != phrase


def test_shipped_words_load_nfc_two_to_four_syllables_no_repeats():
    """data/words.txt: common words and fixed expressions written by hand, one a line, NFC, 2-4 syllables."""
    from tracuu.text.analyzer import fold
    from tracuu.text.thesaurus import words_texts
    lines = words_texts()
    assert 6000 <= len(lines) <= 9000
    assert all(unicodedata.normalize("NFC", line) == line for line in lines)
    assert all(2 <= len(line.split()) <= 4 and line == " ".join(line.split()) for line in lines)
    assert len({line.lower() for line in lines}) == len(lines)
    assert sum(fold(line) != line for line in lines) > 0.95 * len(lines)  # "tham gia", "kinh doanh" have none
    # Modern tone placement throughout: hóa, thủy, khỏe (never hoá, thuỷ, khoẻ).
    old = re.compile(r"(?<![qQ])(o[áàảãạ]|o[éèẻẽẹ]|u[ýỳỷỹỵ])(?!\w)")
    assert not [line for line in lines if old.search(line)]


def test_general_words_come_back_with_the_shipped_words(monkeypatch):
    """Words the documents never hold ("nhân cách", "sinh động", "tung ra", "đề bài") came back as the documents'
    neighbours ("nhận cách", "sinh đồng", "từng ra", "để bài"); data/words.txt teaches them. None of these
    phrases is in everyday.txt or questions.txt."""
    from tracuu.text import thesaurus
    from tracuu.text.analyzer import fold
    documents = ["Tổ chức khám chữa bệnh bảo hiểm y tế hằng tháng. Kết quả học tập của học sinh. Bầu cử đại biểu "
                 "Hội đồng nhân dân. Tiếp nhận hồ sơ và trả kết quả. Từng bước nâng cao đời sống Nhân dân. Để bảo "
                 "đảm an toàn lao động. Sinh hoạt chi bộ định kỳ. Triển khai đồng bộ các giải pháp."] * 3
    phrases = ["nhân cách người Việt", "tung ra sản phẩm mới", "đề bài khó quá", "bài giảng sinh động",
               "học sinh đọc đề bài"]
    shipped = "\n".join(thesaurus.everyday_texts() + thesaurus.question_texts())
    with_words = DiacriticRestorer.train(documents)
    monkeypatch.setattr(thesaurus, "words_texts", lambda: ())
    without = DiacriticRestorer.train(documents)
    for phrase in phrases:
        assert phrase not in shipped
        assert with_words.restore(fold(phrase)) == phrase
        assert without.restore(fold(phrase)) != phrase
