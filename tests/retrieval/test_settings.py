"""SearchSettings: fusion's weights in FusionConfig, every other search setting beside it, stored flat as before."""
import json

import pytest

from tracuu.retrieval.fusion import FusionConfig
from tracuu.retrieval.settings import SearchSettings

# The "fusion" entry of a manifest written before the settings were split (bench/.cache/party's, abridged to it).
OLD_MANIFEST = json.loads("""{"method": "linear", "k": 60, "lexical_weight": 1.0, "dense_weight": 0.5,
  "dense_weight_unaccented": 0.0, "dense_weight_restored": 0.5, "query_as_passage": 0.0, "exact_weight": 0.5,
  "restored_exact_weight": 0.0, "expansion_weight": 1.0, "candidates": 100, "reference_weight": 0.1,
  "article_weight": 1.0, "title_weight": 0.3}""")


def test_fusion_config_holds_only_fusion():
    assert set(FusionConfig().to_dict()) == {"method", "k", "lexical_weight", "dense_weight",
                                             "dense_weight_unaccented", "dense_weight_restored",
                                             "dense_weight_unmatched"}


def test_an_old_manifest_reads_back_and_writes_the_same_entry():
    settings = SearchSettings.from_dict(OLD_MANIFEST)
    assert settings == SearchSettings()
    # Every value it held is written back unchanged; settings added since (issue 14) take their defaults.
    added = {"dense_weight_unmatched": 2.0, "synonym_weight": 0.3, "synonyms_in_dense": False}
    assert settings.to_dict() == {**OLD_MANIFEST, **added}
    changed = SearchSettings.from_dict({**OLD_MANIFEST, "method": "rrf", "title_weight": 0.0, "unknown": 1})
    assert (changed.fusion.method, changed.title_weight) == ("rrf", 0.0)


def test_flat_values_and_a_mode():
    settings = SearchSettings.of(method="rrf", dense_weight=0.8, exact_weight=1.0)
    assert (settings.fusion.method, settings.fusion.dense_weight, settings.exact_weight) == ("rrf", 0.8, 1.0)
    assert SearchSettings().with_method("dense").fusion.method == "dense"
    with pytest.raises(TypeError):
        SearchSettings.of(dense_wieght=0.8)
