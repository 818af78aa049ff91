"""Diacritic restorer for queries typed without (or with some) diacritics, learned from the indexed corpus."""
from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from tracuu.text.analyzer import fold, nfc

FORMAT_VERSION = 1
_TOKEN = re.compile(r"[^\W_]+")
# Anything that is not a word character or a plain space ends a segment: punctuation, line breaks, "_".
_SEGMENT_BREAK = re.compile(r"[^\w \t]+|_+")
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "3", "\u0309": "4", "\u0323": "5"}
BOS, EOS, NUM, UNK = 0, 1, 2, 3
_SPECIALS = ["<s>", "</s>", "<num>", "<unk>"]
_UNIFORM = 1e-4           # share of the unigram level spread evenly, so that <unk> and rare words never score -inf
_CANDIDATES = 8           # accented forms kept per folded syllable, most frequent first
_BEAM = 16                # decoder states kept per position
_PRUNE_ABOVE = 150_000    # drop trigrams seen once when the model holds more trigram types than this
# Documents are declarative prose; queries are questions. These generic phrasings are rare or absent in a corpus of
# resolutions and laws, so without them "bao nhieu" becomes "báo nhiều". Each is added twice to the training text.
QUESTION_PHRASES = (
    "bao nhiêu", "là gì", "là những gì", "gồm những gì", "như thế nào", "thế nào", "ra sao", "ở đâu", "khi nào",
    "bao giờ", "bao lâu", "tại sao", "vì sao", "ai là người", "có phải", "hay không", "có được không",
    "có không", "đúng hay sai", "những ai", "nào", "gì", "ai",
)


def _key(syllable: str) -> str:
    """Lower-case syllable with its tone moved to a trailing digit: hoá and hóa (old/new placement) share a key."""
    # Not analyzer.tone_key: that one also merges y/i spellings (tỷ/tỉ), which measured worse here
    # (bench/restore.py, party-dev folded, ALQAC+party training: syllables 0.976 -> 0.972, phrases 0.818 -> 0.773).
    tone, base = "", []
    for ch in unicodedata.normalize("NFD", syllable.lower()):
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            base.append(ch)
    return unicodedata.normalize("NFC", "".join(base)) + tone


def _with_case(surface: str, typed: str) -> str:
    """`surface` (lower-case) spelled with the case pattern of `typed`, letter by letter (Hà Nội, HÀ NỘI)."""
    if len(surface) != len(typed):
        return surface.upper() if typed.isupper() else surface.capitalize() if typed[:1].isupper() else surface
    return "".join(s.upper() if t.isupper() else s for s, t in zip(surface, typed))


def _group(keys: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unique keys, the index of each row's group, the rows per group and the summed weights per group."""
    uniq, inverse, rows = np.unique(keys, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=weights, minlength=len(uniq)) if weights is not None else rows
    return uniq, inverse, rows, sums


def _discount(counts: np.ndarray) -> float:
    n1, n2 = int((counts == 1).sum()), int((counts == 2).sum())
    return n1 / (n1 + 2 * n2) if n1 and n2 else 0.5


class DiacriticRestorer:
    """Candidates per folded syllable from corpus counts, an interpolated Kneser-Ney syllable trigram model over
    tone-placement-free keys, and Viterbi beam decoding; typed accents, numbers and unknown tokens are fixed."""

    def __init__(self, surfaces: list[str], counts: np.ndarray, uni: np.ndarray, gamma2: np.ndarray,
                 bi_keys: np.ndarray, bi_p: np.ndarray, ctx_keys: np.ndarray, gamma3: np.ndarray,
                 tri_keys: np.ndarray, tri_p: np.ndarray, capitals: dict[str, str] | None = None) -> None:
        self.surfaces = surfaces
        self.counts = counts
        self._arrays = {"counts": counts, "uni": uni, "gamma2": gamma2, "bi_keys": bi_keys, "bi_p": bi_p,
                        "ctx_keys": ctx_keys, "gamma3": gamma3, "tri_keys": tri_keys, "tri_p": tri_p}
        self.capitals = dict(capitals or {})
        self._v = len(surfaces)
        self._ids = {_key(s): i for i, s in enumerate(surfaces) if i >= len(_SPECIALS)}
        # Python dicts and lists: one lookup per n-gram is faster than numpy indexing for a 15-syllable query.
        self._uni = uni.tolist()
        self._gamma2 = gamma2.tolist()
        self._bi = dict(zip(bi_keys.tolist(), bi_p.tolist()))
        self._gamma3 = dict(zip(ctx_keys.tolist(), gamma3.tolist()))
        self._tri = dict(zip(tri_keys.tolist(), tri_p.tolist()))
        self._cands: dict[str, list[int]] = {}
        for i in np.argsort(-counts, kind="stable").tolist():
            if i >= len(_SPECIALS) and counts[i] > 0:
                ids = self._cands.setdefault(fold(surfaces[i]), [])
                if len(ids) < _CANDIDATES:
                    ids.append(i)

    # ---- training ----
    @classmethod
    def train(cls, texts: Iterable[str], *, question_phrases: bool = True) -> "DiacriticRestorer":
        """Learn from passage texts (the texts of an index), plus, unless told not to, QUESTION_PHRASES, the
        thesaurus's phrases, questions written in people's words (thesaurus.question_texts) and everyday phrases
        about public life written by hand (thesaurus.everyday_texts, data/everyday.txt), and common words and fixed
        expressions of 2-4 syllables written by hand (thesaurus.words_texts, data/words.txt): people type their own
        words without diacritics ("ba con", "nguoi tai", "chich ngua", "kham kha", "leo thang", "nhan cach",
        "tung ra"), words a corpus of resolutions rarely holds, so they would come back as the documents' words
        ("khám khá", "leo tháng", "nhận cách", "từng ra").
        bench/restore.py, folded dev questions (syllables right / whole questions right): party-dev 0.935 / 0.682
        -> 0.992 / 0.955 with the questions -> 1.000 / 1.000 with the everyday phrases too, party-paraphrase-dev
        0.701 / 0.000 -> 0.856 / 0.150 -> 0.901 / 0.250; with the common words, 0.929 / 0.375 -> 0.942 / 0.450
        (bench/README.md, "Restoring people's words")."""
        from tracuu.text.thesaurus import bundled_phrases, everyday_texts, question_texts, words_texts
        tokens: list[str] = []
        extra = ((QUESTION_PHRASES + bundled_phrases()) * 2 + question_texts() + everyday_texts() + words_texts()
                 if question_phrases else ())
        for text in itertools.chain(texts, extra):
            for segment in _SEGMENT_BREAK.split(nfc(text)):
                words = segment.split()
                if words:
                    tokens.append("\x00")  # segment boundary marker
                    tokens.extend(words)
        raw = Counter(tokens)
        raw.pop("\x00", None)
        surfaces, counts, memo = list(_SPECIALS), [0] * len(_SPECIALS), {"\x00": -1}
        ids: dict[str, int] = {}
        forms: dict[int, Counter] = {}
        for tok, n in raw.items():
            if any(c.isdigit() for c in tok):
                memo[tok] = NUM
                counts[NUM] += n
                continue
            low = tok.lower()
            i = ids.get(_key(low))
            if i is None:
                i = ids[_key(low)] = len(surfaces)
                surfaces.append(low)
                counts.append(0)
                forms[i] = Counter()
            counts[i] += n
            forms[i][low] += n
            memo[tok] = i
        for i, seen in forms.items():  # the spelling most used in the corpus stands for the key
            surfaces[i] = seen.most_common(1)[0][0]
        seq = [memo[t] for t in tokens]
        model = cls._fit(surfaces, np.asarray(counts, dtype=np.int64), seq)
        model.capitals = cls._capitals(raw)
        return model

    @staticmethod
    def _capitals(raw: Counter) -> dict[str, str]:
        """Abbreviations the corpus mostly writes in capitals (HĐND, QĐ, TW), keyed by their folded spelling.

        Words merely set in capitals in headings (BAN, NAM, TỰ) are left out: their lower-case and title-case
        spellings outnumber the capital ones.
        """
        caps: dict[str, Counter] = {}
        other: Counter = Counter()
        for tok, n in raw.items():
            if tok.isalpha():
                if len(tok) >= 2 and tok.isupper():
                    caps.setdefault(fold(tok), Counter())[tok] += n
                else:
                    other[fold(tok).upper()] += n
        return {k: c.most_common(1)[0][0] for k, c in caps.items()
                if sum(c.values()) >= 2 and sum(c.values()) > other[k]}

    @classmethod
    def _fit(cls, surfaces: list[str], counts: np.ndarray, seq: list[int]) -> "DiacriticRestorer":
        v = len(surfaces)
        # Each segment becomes <s> <s> w1 .. wn </s>; n-grams ending in <s> straddle two segments and are dropped.
        padded: list[int] = []
        for i in seq:
            padded.extend((EOS, BOS, BOS) if i < 0 else (i,))
        arr = np.asarray(padded[1:] + [EOS], dtype=np.int64)
        tri = (arr[:-2] * v + arr[1:-1]) * v + arr[2:]
        tri_keys, _, _, tri_c = _group(tri[arr[2:] != BOS])
        big = arr[:-1] * v + arr[1:]
        big_keys, _, _, big_c = _group(big[arr[1:] != BOS])
        # Trigram level: absolute discounting of raw counts.
        d3 = _discount(tri_c)
        _, ctx_inv, _, ctx_n = _group(tri_keys // v, tri_c.astype(np.float64))
        tri_p = np.maximum(tri_c - d3, 0) / ctx_n[ctx_inv]
        # Bigram level: continuation counts (distinct left neighbours), raw counts after <s> (it has no left).
        cont_keys, _, cont_c, _ = _group(tri_keys % (v * v))
        pos = np.searchsorted(cont_keys, big_keys)
        cont = np.where(big_keys // v == BOS, big_c, cont_c[np.minimum(pos, len(cont_keys) - 1)] if len(cont_keys) else 0)
        d2 = _discount(cont)
        hist, hist_inv, hist_types, hist_n = _group(big_keys // v, cont.astype(np.float64))
        bi_p = np.maximum(cont - d2, 0) / hist_n[hist_inv]
        gamma2 = np.ones(v)
        gamma2[hist] = d2 * hist_types / hist_n
        # Unigram level: in how many distinct bigrams a syllable ends, mixed with a uniform floor.
        left = np.bincount(big_keys % v, minlength=v).astype(np.float64)
        uni = (1 - _UNIFORM) * left / max(left.sum(), 1.0) + _UNIFORM / v
        if len(tri_keys) > _PRUNE_ABOVE:
            keep = tri_c > 1
            tri_keys, tri_p = tri_keys[keep], tri_p[keep]
        # What a context does not give its kept trigrams goes to the bigram level, so each context still sums to 1.
        kept_ctx, _, _, kept_sum = _group(tri_keys // v, tri_p)
        gamma3 = 1.0 - kept_sum
        return cls(surfaces, counts, uni.astype(np.float32), gamma2.astype(np.float32), big_keys,
                   bi_p.astype(np.float32), kept_ctx, gamma3.astype(np.float32), tri_keys,
                   tri_p.astype(np.float32))

    # ---- decoding ----
    def restore(self, text: str) -> str:
        """`text` (NFC) with diacritics restored where the model can; everything that is not a bare syllable stays."""
        text = nfc(text)
        matches = list(_TOKEN.finditer(text))
        out: list[str] = []
        start = 0
        for i in range(1, len(matches) + 1):
            if i == len(matches) or text[matches[i - 1].end():matches[i].start()].strip(" \t"):
                out.extend(self._decode(matches[start:i]))
                start = i
        # Rebuild the text: decoded tokens replace their spans, everything between them is copied as typed.
        pieces, pos = [], 0
        for m, word in zip(matches, out):
            pieces.append(text[pos:m.start()])
            pieces.append(word)
            pos = m.end()
        pieces.append(text[pos:])
        return "".join(pieces)

    def _candidates(self, tokens: list[str]) -> list[list[int] | str]:
        """Ids each token may become, or its fixed output (typed accents, numbers, abbreviations, unknown).

        A lone unaccented capital token is an abbreviation (TU, CT in "15-NQ/TU"): kept, or spelled as the corpus
        spells it (HDND -> HĐND). A run of capital words ("HA NOI") is a capitalised phrase and is restored.
        """
        caps = [len(t) >= 2 and t.isupper() and t.isalpha() and t not in self.capitals for t in tokens]
        result: list[list[int] | str] = []
        for i, token in enumerate(tokens):
            low = token.lower()
            cands = self._cands.get(low)
            if token in self.capitals:
                result.append(self.capitals[token])
            elif caps[i] and not (i > 0 and caps[i - 1]) and not (i + 1 < len(caps) and caps[i + 1]):
                result.append(token)
            elif cands is None or fold(low) != low or any(c.isdigit() for c in token):
                result.append(token)
            else:
                result.append(cands)
        return result

    def _fixed_id(self, token: str) -> int:
        if any(c.isdigit() for c in token):
            return NUM
        return self._ids.get(_key(token), UNK)

    def _decode(self, matches: list[re.Match]) -> list[str]:
        tokens = [m.group() for m in matches]
        candidates = self._candidates(tokens)
        if all(isinstance(c, str) for c in candidates):
            return candidates  # type: ignore[return-value]
        v, cache = self._v, {}
        states: dict[tuple[int, int], float] = {(BOS, BOS): 0.0}
        back: list[dict[tuple[int, int], tuple[int, int]]] = []
        for token, cands in zip(tokens, candidates):
            options = [self._fixed_id(cands)] if isinstance(cands, str) else cands
            nxt: dict[tuple[int, int], float] = {}
            ptr: dict[tuple[int, int], tuple[int, int]] = {}
            for (u, w1), score in states.items():
                for w in options:
                    s = score + self._logp(u, w1, w, v, cache)
                    if s > nxt.get((w1, w), -math.inf):
                        nxt[(w1, w)] = s
                        ptr[(w1, w)] = (u, w1)
            if len(nxt) > _BEAM:
                nxt = dict(sorted(nxt.items(), key=lambda kv: -kv[1])[:_BEAM])
            states = nxt
            back.append(ptr)
        best = max(states, key=lambda st: states[st] + self._logp(st[0], st[1], EOS, v, cache))
        chosen = []
        for ptr in reversed(back):
            chosen.append(best[1])
            best = ptr[best]
        chosen.reverse()
        return [cands if isinstance(cands, str) else _with_case(self.surfaces[i], token)
                for token, cands, i in zip(tokens, candidates, chosen)]

    def _logp(self, u: int, w1: int, w: int, v: int, cache: dict) -> float:
        """log P(w | u w1), interpolated Kneser-Ney."""
        key = (u * v + w1) * v + w
        hit = cache.get(key)
        if hit is not None:
            return hit
        p2 = self._bi.get(w1 * v + w, 0.0) + self._gamma2[w1] * self._uni[w]
        gamma3 = self._gamma3.get(u * v + w1)
        p = p2 if gamma3 is None else self._tri.get(key, 0.0) + gamma3 * p2
        cache[key] = lp = math.log(p) if p > 0 else -1e9
        return lp

    # ---- storage: JSON + npz, never pickle ----
    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"format": FORMAT_VERSION, "surfaces": self.surfaces, "capitals": self.capitals}
        (folder / "restorer.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(folder / "restorer.npz", **self._arrays)

    @classmethod
    def load(cls, folder: Path) -> "DiacriticRestorer":
        folder = Path(folder)
        meta = json.loads((folder / "restorer.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"restorer format {meta.get('format')} in {folder}, expected {FORMAT_VERSION}")
        with np.load(folder / "restorer.npz", allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
        return cls(meta["surfaces"], a["counts"], a["uni"], a["gamma2"], a["bi_keys"], a["bi_p"],
                   a["ctx_keys"], a["gamma3"], a["tri_keys"], a["tri_p"], meta["capitals"])
