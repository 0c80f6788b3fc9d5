"""The e5 (XLM-R) tokenizer in two implementations that give the same token ids.

- :class:`HfTokenizer` reads the model's ``tokenizer.json`` with Hugging Face ``tokenizers``,
  as sentence-transformers does. Its unigram trie over 250,002 pieces is large in memory.
- :class:`SpmTokenizer` runs the same vocabulary, scores and normalization table with
  ``sentencepiece``, from a model file written once by :func:`write_spm_model`: a fraction
  of that memory (the serving figures of ``python -m bench.backends`` use it).

The two differ in how they end a text and in literal special tokens: ``tokenizers`` turns
trailing whitespace into a last ``▁`` piece where sentencepiece drops it, which
:class:`SpmTokenizer` restores, and it reads ``<s>`` written in a text as the special token
(sentencepiece reads three characters; such text does not occur in documents).
:func:`check_same_ids` compares both on sample texts when the folder is built.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.errors import ModelError

BOS_ID, EOS_ID = 0, 2  # <s>, </s>
SPACE_PIECE = "▁"
_CONTROL = ("<s>", "<pad>", "</s>", "<mask>")
#: Characters the model's normalization table turns into a space (a text ending in one of
#: them gets a last ``▁`` from ``tokenizers``) and characters it deletes; found by trying
#: every whitespace, control and format character of the Basic Multilingual Plane.
SPACE_CHARS = frozenset(
    "\t\n\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202f\u205f\u3000\ufeff"
)
DELETED_CHARS = "".join(map(chr, [*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F, 0x8F, 0x9F]))
#: Texts on which both tokenizers must agree when the folder is built.
CHECK_TEXTS = (
    "query: 한국의 수도는 어디인가요?",
    "passage: 서울은 대한민국의 수도이다. 한강이 도시를 가로질러 흐른다.",
    "passage: 제목 > 1. 소개\n김치는 배추를 소금에 절인 뒤 고춧가루 양념에 버무려 만든다.  두 칸   띄어쓰기",
    "query: 끝에 공백이 있는 질문은? ",
    "query: ＡＢＣ 전각 문자, émoji 😀, 漢字, ㅋㅋㅋ\t탭\u3000전각 공백\u200b",
    "query: 줄 끝\n",
    "",
    " ",
)


def write_spm_model(tokenizer_json: Path, out: Path) -> None:
    """Write a sentencepiece unigram model with the vocabulary and normalization of ``tokenizer_json``.

    Piece ids equal the ``tokenizers`` ids (``<s>`` 0, ``<pad>`` 1, ``</s>`` 2, ``<unk>`` 3, …,
    ``<mask>`` 250001), so no offset is needed.
    """
    from sentencepiece import sentencepiece_model_pb2

    pb: Any = sentencepiece_model_pb2  # generated protobuf classes, untyped
    spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    vocab = spec["model"]["vocab"]
    charsmap = next(n for n in spec["normalizer"]["normalizers"] if n["type"] == "Precompiled")
    model = pb.ModelProto()
    model.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    model.trainer_spec.vocab_size = len(vocab)
    model.trainer_spec.unk_id = int(spec["model"]["unk_id"])
    model.trainer_spec.bos_id = model.trainer_spec.eos_id = model.trainer_spec.pad_id = -1
    model.normalizer_spec.name = "precompiled"
    model.normalizer_spec.precompiled_charsmap = base64.b64decode(charsmap["precompiled_charsmap"])
    model.normalizer_spec.add_dummy_prefix = True
    model.normalizer_spec.remove_extra_whitespaces = True
    model.normalizer_spec.escape_whitespaces = True
    kinds = pb.ModelProto.SentencePiece
    for i, (piece, score) in enumerate(vocab):
        entry = model.pieces.add()
        entry.piece, entry.score = piece, score
        if piece in _CONTROL:
            entry.type = kinds.CONTROL
        elif i == model.trainer_spec.unk_id:
            entry.type = kinds.UNKNOWN
        else:
            entry.type = kinds.NORMAL
    out.write_bytes(model.SerializeToString())


class SpmTokenizer:
    """Token ids with ``<s>`` … ``</s>``, truncated to ``max_length``, from a sentencepiece model."""

    def __init__(self, path: Path, max_length: int) -> None:
        import sentencepiece

        self.processor = sentencepiece.SentencePieceProcessor(model_file=str(path))
        self.space_id = int(self.processor.piece_to_id(SPACE_PIECE))
        self.max_length = max_length

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, as :class:`HfTokenizer` gives them."""
        # one text at a time: given a list, sentencepiece starts threads for it, which cost a short
        # question more than encoding it
        encode = self.processor.encode
        pieces: list[list[int]] = [encode(text) for text in texts]
        keep = self.max_length - 2
        out = []
        for text, ids in zip(texts, pieces, strict=True):
            if ends_in_space(text):
                ids = [*ids, self.space_id]
            out.append([BOS_ID, *ids[:keep], EOS_ID])
        return out


def ends_in_space(text: str) -> bool:
    """Whether normalization leaves ``text`` ending in a space (``tokenizers`` then adds ``▁``)."""
    trimmed = text.rstrip(DELETED_CHARS)
    return bool(trimmed) and trimmed[-1] in SPACE_CHARS


class HfTokenizer:
    """Token ids with ``<s>`` … ``</s>``, truncated to ``max_length``, from ``tokenizer.json``."""

    def __init__(self, path: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        self.tokenizer: Any = Tokenizer.from_file(str(path))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]


def check_same_ids(spm_path: Path, tokenizer_json: Path, texts: Sequence[str] = CHECK_TEXTS) -> None:
    """Fail unless both tokenizers give the same ids for ``texts``."""
    spm, hf = SpmTokenizer(spm_path, 512), HfTokenizer(tokenizer_json, 512)
    for text, a, b in zip(texts, spm.encode_batch(texts), hf.encode_batch(texts), strict=True):
        if a != b:
            raise ModelError(f"sentencepiece 토크나이저가 {text!r}에서 tokenizer.json과 다릅니다: {a} != {b}")
