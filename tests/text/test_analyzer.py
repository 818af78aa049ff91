"""The analyzer's basics: NFC, one-letter syllables, tone placement, y/i spelling, folding with đ."""
import unicodedata

from hypothesis import given, settings, strategies as st

from tracuu.text.analyzer import Analyzer, _fold_slowly, fold, tone_key

A = Analyzer()


def test_nfd_input_gives_whole_syllables():
    nfd = unicodedata.normalize("NFD", "Nghị quyết Đại hội")
    assert A.syllables(nfd) == ["nghị", "quyết", "đại", "hội"]
    assert A.analyze(nfd).exact == A.analyze("Nghị quyết Đại hội").exact


def test_one_letter_syllables_are_kept():
    assert A.syllables("ý kiến ở cơ sở, y tế") == ["ý", "kiến", "ở", "cơ", "sở", "y", "tế"]


def test_old_and_new_tone_placement_share_a_key():
    for old, new in [("hoá", "hóa"), ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("uỷ", "ủy"),
                     ("khoá", "khóa")]:
        assert tone_key(old) == tone_key(new), (old, new)


def test_closed_syllables_and_qu_gi_keep_distinct_tones():
    assert tone_key("hoàn") != tone_key("hoán")
    assert tone_key("hoàn") == tone_key(unicodedata.normalize("NFC", "hòan"))
    assert tone_key("quý") != tone_key("quỳ")
    assert tone_key("giữ") != tone_key("giữa")
    assert tone_key("huỳnh") == "huynh2"


def test_distinct_words_stay_distinct_in_the_exact_field():
    keys = {tone_key(w) for w in ["dương", "đương", "đường", "duong"]}
    assert len(keys) == 4


def test_y_i_spelling_variants_match():
    assert tone_key("tỷ") == tone_key("tỉ")
    assert tone_key("kỷ") == tone_key("kỉ")
    assert tone_key("quý") == "quy1"
    assert A.analyze("ty le").folded[:2] == A.analyze("tỉ lệ").folded[:2] == ["ti", "le"]


def test_fold_maps_d_stroke_and_drops_marks():
    assert fold("Đảng Cộng sản Việt Nam") == "Dang Cong san Viet Nam"
    assert fold("nghi quyet dai hoi 13") == "nghi quyet dai hoi 13"
    assert fold("dang uy Đảng") == "dang uy Dang"


@settings(max_examples=3000, deadline=None)
@given(st.text(st.sampled_from([*map(chr, range(0x20, 0x370)), *map(chr, range(0x1E00, 0x1F00)), "–", "“", "”",
                                "…", "\u034f", "Ð", "đ", "Đ", "한", "ǅ", "ﬁ", "Å", "\u0301", "\u0323", "\u031b"]),
               max_size=24))
def test_fast_fold_is_the_slow_fold(text):
    # The per-character table (Vietnamese blocks) and the NFD route must never disagree, in or out of those blocks.
    assert fold(text) == _fold_slowly(text)


def test_fold_of_text_outside_the_vietnamese_blocks():
    assert fold("Ðổi mới, 한국어, x\u0301, ﬁ") == "Ðoi moi, 한국어, x, ﬁ"  # Ð (Eth) is no Đ; ﬁ is no compatibility case


def test_bigrams_join_adjacent_syllables():
    got = A.analyze("chuyển đổi số")
    assert "chuyen_doi" in got.folded and "doi_so" in got.folded
    assert Analyzer(bigrams=False).analyze("chuyển đổi số").folded == ["chuyen", "doi", "so"]


def test_settings_round_trip_through_the_manifest():
    assert Analyzer.from_dict(Analyzer(bigrams=False).to_dict()) == Analyzer(bigrams=False)


def test_eth_typed_for_d_stroke_matches():
    assert A.syllables("Ðổi mới") == A.syllables("Đổi mới") == ["đổi", "mới"]


def test_fold_aligned_keeps_one_character_per_character():
    from tracuu.text.analyzer import fold_aligned
    assert fold_aligned("Đại hội XIII") == "dai hoi xiii"
    decomposed = "Ho\u0300a Bi\u0300nh"  # combining marks: plain fold would drop them and shift every offset
    assert len(fold_aligned(decomposed)) == len(decomposed)
    assert fold_aligned(decomposed).startswith("ho")
