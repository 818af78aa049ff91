"""MetadataFilter: one parse of the CLI's, the HTTP app's and quotes' arguments, one rule for both backends."""
import pytest

from tracuu.errors import InvalidQueryError
from tracuu.retrieval.filters import MetadataFilter

NQ57 = {"doc_type": "NQ", "doc_type_name": "Nghị quyết", "issuer": "Bộ Chính trị", "date": "2024-12-22"}
KL69 = {"doc_type": "KL", "doc_type_name": "Kết luận", "issuer": "Bộ Chính trị", "date": "2024-01-11"}
NEWS = {"doc_type": "news", "kind": "news"}


def test_equality_is_case_insensitive_and_dates_bound_the_iso_date():
    assert MetadataFilter.of({"doc_type": "nq"}).matches(NQ57)
    assert not MetadataFilter.of({"doc_type": "nq"}).matches(KL69)
    assert MetadataFilter.of({"date_to": "2024-12"}).matches(NQ57)  # a prefix: "2024-12" admits 2024-12-22
    assert not MetadataFilter.of({"date_from": "2024-12-23"}).matches(NQ57)
    assert not MetadataFilter.of({"date_from": "2000-01-01"}).matches(NEWS)  # undated: outside every range
    assert MetadataFilter.of({"publisher": ""}).matches(NQ57)  # a missing key reads ""
    assert MetadataFilter.of({}) is None and MetadataFilter.of(None) is None


def test_the_cli_pairs_and_the_http_fields_parse_to_the_same_rule():
    cli = MetadataFilter.from_pairs(["issuer=Bộ Chính trị", "date_from=2024-06-01"])
    http = MetadataFilter.from_request({"issuer": "Bộ Chính trị"}, date_from="2024-06-01")
    assert cli == http
    assert [cli.matches(m) for m in (NQ57, KL69, NEWS)] == [True, False, False]
    with pytest.raises(InvalidQueryError):
        MetadataFilter.from_pairs(["doc_type"])


def test_a_type_is_named_by_its_code_or_its_name():
    assert MetadataFilter.from_request(None, doc_type="NQ").matches(NQ57)
    assert MetadataFilter.from_request(None, doc_type="nghị quyết").matches(NQ57)
    assert not MetadataFilter.from_request(None, doc_type="Nghị quyết").matches(KL69)
    assert not MetadataFilter.from_request(None, doc_type="nghi quyet").matches(NQ57)  # HTTP: diacritics count


def test_quotes_read_types_and_issuers_without_diacritics():
    assert MetadataFilter.for_quotes("nghi quyet", None, None, None).matches(NQ57)
    assert MetadataFilter.for_quotes(None, "chinh tri", None, None).matches(KL69)  # part of the name
    assert not MetadataFilter.for_quotes(None, "Chính phủ", None, None).matches(KL69)
    assert MetadataFilter.for_quotes(None, None, None, None) is None
    # One date parser for every face: the Vietnamese day-first form is read, an impossible day is refused.
    assert MetadataFilter.for_quotes(None, None, "22/12/2024", None).matches(NQ57)
    for bad in ("2024-13-45", "22/12/2024 hoặc sau", "hôm qua"):
        with pytest.raises(InvalidQueryError):
            MetadataFilter.for_quotes(None, None, bad, None)


def test_milvus_expressions_say_the_same():
    wanted = MetadataFilter.from_request({"kind": "official"}, doc_type="Nghị quyết", date_to="2024-05")
    assert wanted.to_expression("filters") == (
        '(filters["kind"] == "official") and (filters["date"] < "2024-05~") and '
        '((filters["doc_type"] == "nghị quyết") or (filters["doc_type_name"] == "nghị quyết"))')
    with pytest.raises(InvalidQueryError):
        MetadataFilter.of({'x"] or true or ["': "1"}).to_expression("filters")
    with pytest.raises(InvalidQueryError):  # folding happens on documents, not in Milvus
        MetadataFilter.for_quotes("nghi quyet", None, None, None).to_expression("filters")
