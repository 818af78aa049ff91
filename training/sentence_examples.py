"""Sentence examples: the choice `ask` makes, taught to the encoder (MODEL_CARD.md, "Next", item 1).

A passage example pairs a question with a ~900-character cut of its answering passage. `ask` then compares the
question with single sentences of the top passages (at most qa/ask.ENCODE_CHARS characters each) and answers with
the closest: the version 2 candidate, trained on passages only, put short generic sentences ("Tổng Bí thư Tô Lâm,
Trưởng Ban Chỉ đạo chủ trì Phiên họp.") beside any question on their topic. A sentence example pairs the question
with the sentence of its passage that holds the gold snippet; its hard negatives are what ask weighs it against:
the passage's other sentences (under the "lexical" miner's slot) and the sentence of each mined dense negative
passage that shares most words with the question (the "dense" slot).

In-batch masking (train.py compares ids): the answer sentence carries its passage's id, so a batch-mate's passage
example with the same answer is masked for it and it is masked for that batch-mate; the negatives carry ids of
their own ("<passage id>#<n>"), which no question names as an answer, so they stay negatives.
"""
from __future__ import annotations

from tracuu.qa.evidence import plain
from tracuu.text.analyzer import fold_aligned
from tracuu.text.sentences import split_sentences

from training.snippets import syllables

MAX_CHARS = 300  # qa/ask.ENCODE_CHARS: ask encodes at most this much of a sentence
MIN_CHARS = 25  # shorter spans are list markers or debris, not sentences ask would answer with
GOLD_SHARE = 0.5  # the answer sentence holds at least half of the gold snippet's syllables
# A negative holds less than half of them: "Đến năm 2025, GDP bình quân đầu người khoảng 4.700 - 5.000 USD" (0.4 of
# the growth target's snippet through "GDP", "bình quân", "năm", "khoảng") is the very sentence ask must not choose;
# a sentence holding half the snippet or more may be its other half (a snippet over two sentences) and is left out.
SIBLING_SHARE = 0.5
NEGATIVES = 2


def sentences(dense_text: str) -> list[str]:
    """The sentences of a passage as the pack stores it (its heading line first, then the passage's text), each
    as ask reads it before the cut: markup removed."""
    body = dense_text.split("\n", 1)[1] if "\n" in dense_text else dense_text
    out = [plain(body[a:b]) for a, b in split_sentences(body)]
    return [s for s in out if len(s) >= MIN_CHARS]


def cut(sentence: str, gold: list[str] = ()) -> str:
    """At most MAX_CHARS of `sentence`, as ask's window cuts it (evidence._window: from a third of the window before
    the words it looks for): around the first gold snippet it holds, else from its start."""
    if len(sentence) <= MAX_CHARS:
        return sentence
    folded = fold_aligned(sentence)
    for g in gold:
        at = folded.find(fold_aligned(plain(g)))
        if at >= 0:
            start = max(0, min(at - MAX_CHARS // 3, len(sentence) - MAX_CHARS))
            return sentence[start:start + MAX_CHARS]
    return sentence[:MAX_CHARS]


def sentence_example(example: dict, gold: list[str]) -> dict | None:
    """The sentence example of a passage example whose gold snippets are `gold`, or None when no sentence of the
    answering passage holds enough of a snippet (a snippet across a table row or a cut)."""
    found = sentences(example["positive"])
    golds = [syllables(g) for g in gold if syllables(g)]
    if not found or not golds:
        return None
    share = [max(len(syllables(s) & g) / len(g) for g in golds) for s in found]
    best = max(range(len(found)), key=lambda i: (share[i], -i))
    if share[best] < GOLD_SHARE:
        return None
    asked = syllables(example["query"])

    def closest(texts: list[str]) -> list[str]:  # the hardest first: most of the question's syllables
        return sorted(texts, key=lambda t: (-len(syllables(t) & asked), texts.index(t)))

    pid = example["answer_ids"][0]
    siblings = closest([s for i, s in enumerate(found) if share[i] < SIBLING_SHARE])[:NEGATIVES]
    ids = {"lexical": [f"{pid}#{found.index(s)}" for s in siblings]}
    siblings = [cut(s) for s in siblings]
    dense = [(closest(sentences(text))[:1], nid) for text, nid in
             zip(example["negatives"].get("dense", []), example["negative_ids"].get("dense", []))]
    dense = [(cut(texts[0]), f"{nid}#q") for texts, nid in dense if texts][:NEGATIVES]
    negatives = {"lexical": siblings, "dense": [t for t, _ in dense]}
    ids["dense"] = [i for _, i in dense]
    if not any(negatives.values()):
        return None
    return {**example, "kind": f"sentence-{example['kind']}", "positive": cut(found[best], gold),
            "negatives": {m: t for m, t in negatives.items() if t},
            "negative_ids": {m: ids[m] for m, t in negatives.items() if t}}
