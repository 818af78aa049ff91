"""How `Index.search` retrieves: the fusion of the two rankings plus the settings of each step around it. Stored
flat in the manifest's "fusion" entry (the format every index already has)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from tracuu.retrieval.fusion import FusionConfig


@dataclass(frozen=True)
class SearchSettings:
    fusion: FusionConfig = field(default_factory=FusionConfig)
    candidates: int = 100  # passages each retriever hands to fusion (at least k)
    # Lexical: the exact (accented) field's weight beside the folded one, the same when the accents were restored,
    # the abbreviation/number expansions' weight, and the document-title field (titles.py; bench/variants.py).
    exact_weight: float = 0.5
    restored_exact_weight: float = 0.0
    expansion_weight: float = 1.0
    title_weight: float = 0.3
    # Dense search can look for the query vector plus this times the same words encoded as a passage (e5's
    # "passage: " side). For long questions it ranks better (ALQAC train MRR@10 0.935 / 0.939 -> 0.946 / 0.961 as
    # written / folded), short queries rank the same (party-dev), and it doubles query encoding time, which would
    # break the 100k latency target (p50 <= 30 ms, p99 <= 80 ms): off unless a build asks for it
    # (`tracuu build --query-as-passage 1`; bench/README.md "The query read both ways").
    query_as_passage: float = 0.0
    # A query naming a document ("Luật Du lịch", "Nghị quyết 57") lifts its passages a little; naming the article
    # or section too ("Điều 38", "mục III.2") puts that place first (bench: ALQAC test +0.02 MRR@10).
    reference_weight: float = 0.1
    article_weight: float = 1.0
    # Thesaurus terms (text/thesaurus.py) count this much in BM25 against 1 for a typed term; and whether the
    # encoder also reads, after the query, the documents' term for each everyday phrase (query_plan.dense_terms).
    synonym_weight: float = 0.3
    synonyms_in_dense: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Flat, as manifests have always stored it: the fusion fields beside the others."""
        own = {k: v for k, v in asdict(self).items() if k != "fusion"}
        return {**self.fusion.to_dict(), **own}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SearchSettings":
        own = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "fusion"}
        return cls(FusionConfig.from_dict(data), **own)

    @classmethod
    def of(cls, **values: Any) -> "SearchSettings":
        """Settings from flat keyword values, fusion's included: `SearchSettings.of(method="rrf", title_weight=0)`."""
        unknown = set(values) - set(cls().to_dict())
        if unknown:
            raise TypeError(f"unknown search settings: {', '.join(sorted(unknown))}")
        return cls.from_dict({**cls().to_dict(), **values})

    @classmethod
    def for_encoder(cls, name: str) -> "SearchSettings":
        """The defaults a build records for an index encoded by `name` (ENCODER_DEFAULTS; e5-small's otherwise)."""
        family = next((f for f in ENCODER_DEFAULTS if name == f or name.startswith(f + "-")), None)
        return cls.of(**ENCODER_DEFAULTS[family]) if family else cls()

    def with_method(self, method: str) -> "SearchSettings":
        return replace(self, fusion=replace(self.fusion, method=method))


# Where an encoder ranks well enough to earn other fusion weights than e5-small's defaults above. Measured with
# bench/adaptive.py on party-dev, party-paraphrase-dev and ALQAC train (bench/README.md, "tracuu's own encoder"):
# tracuu-e5 finds people's own words, so its ranking counts more everywhere (1.5 against 0.5 when typed with
# diacritics, 1.0 when they were restored, up to 3.0 when the words do not match), and the thesaurus's formal terms
# are read by both retrievers.
ENCODER_DEFAULTS: dict[str, dict[str, Any]] = {
    "tracuu-e5": {"dense_weight": 1.5, "dense_weight_restored": 1.0, "dense_weight_unmatched": 3.0,
                  "synonym_weight": 0.8, "synonyms_in_dense": True},
}
