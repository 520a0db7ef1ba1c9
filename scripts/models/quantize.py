"""Make the fp16, q8 and q4 variants transformers.js expects next to the fp32 graphs.

transformers.js v4 no longer ships its scripts/quantize.py, so this re-creates
its recipes (docs/ct2-to-onnx.md section 3, quantization table) with plain
onnxruntime tooling. File suffixes follow transformers.js's
DEFAULT_DTYPE_SUFFIX_MAPPING: fp16 -> _fp16, q8 -> _quantized, q4 -> _q4.

All outputs are single .onnx files (no external data): tiny/base are far below
protobuf's 2 GB limit, and one file per dtype is what the web app downloads.
"""

from __future__ import annotations

from pathlib import Path

import onnx

SUFFIXES = {"fp32": "", "fp16": "_fp16", "q8": "_quantized", "q4": "_q4"}

# onnxruntime's default block list plus what transformers.js's float16.py added
# (Resize, RandomNormalLike, Cast): without Cast the converted graphs were invalid.
FP16_OP_BLOCK_LIST_EXTRA = ["Resize", "RandomNormalLike", "Cast"]


def _save(model: onnx.ModelProto, path: Path) -> None:
    onnx.checker.check_model(model)  # in-memory check; fine below 2 GB
    onnx.save_model(model, str(path), save_as_external_data=False)


def quantize_q8(src: Path, dst: Path) -> None:
    """Dynamic int8 quantisation like transformers.js's quantize_q8.

    Weights are uint8 when the graph has a Conv (ORT-web lacks int8
    ConvInteger), else int8. Per-channel and reduce-range stay off for Whisper
    (NO_PER_CHANNEL_REDUCE_RANGE_MODELS). EnableSubgraph reaches into the merged
    decoder's If branches; MatMulConstBOnly leaves activation x activation
    MatMuls (attention scores) in float.
    """
    from onnxruntime.quantization import QuantType
    from onnxruntime.quantization.onnx_quantizer import ONNXQuantizer
    from onnxruntime.quantization.quant_utils import QuantizationMode
    from onnxruntime.quantization.registry import IntegerOpsRegistry

    model = onnx.load(str(src))
    has_conv = any(n.op_type == "Conv" for n in _all_nodes(model.graph))
    quantizer = ONNXQuantizer(
        model,
        False,  # per_channel
        False,  # reduce_range
        QuantizationMode.IntegerOps,
        False,  # static
        QuantType.QUInt8 if has_conv else QuantType.QInt8,
        QuantType.QUInt8,  # dynamic activations are always uint8
        None,  # tensors_range
        [],  # nodes_to_quantize
        [],  # nodes_to_exclude
        list(IntegerOpsRegistry.keys()),
        extra_options={"EnableSubgraph": True, "MatMulConstBOnly": True},
    )
    quantizer.quantize_model()
    model = quantizer.model.model
    _integer_tied_projection(model)
    _save(model, dst)


def _integer_tied_projection(model: onnx.ModelProto) -> None:
    """Make the tied output projection an int8 MatMulInteger, as every other MatMul is.

    optimum ties proj_out to the token embedding by computing the projection's weight as
    Transpose(embedding) inside each decoder branch. The quantizer then leaves that MatMul in
    float behind a DequantizeLinear of the whole transposed int8 embedding, and onnxruntime never
    constant-folds DequantizeLinear: every decoding step dequantized vocab x d_model weights
    (6 of 11 ms per step for tiny.en on 2 cores). Here the MatMul reads the int8 Transpose
    directly (onnxruntime folds a Transpose of an initializer once, at load) with the activation
    quantized on the fly, the pattern the quantizer writes for every other MatMul. The file keeps
    one copy of the embedding.
    """
    from onnx import TensorProto, helper

    for graph in _subgraphs(model.graph):
        producers = {out: node for node in graph.node for out in node.output}
        for dequant in [n for n in graph.node if n.op_type == "DequantizeLinear"]:
            transpose = producers.get(dequant.input[0])
            if transpose is None or transpose.op_type != "Transpose":
                continue
            weight_int8, scale, zero_point = dequant.input[0], dequant.input[1], dequant.input[2]
            users = [n for n in graph.node if dequant.output[0] in n.input]
            if not users or any(n.op_type != "MatMul" or n.input[1] != dequant.output[0] for n in users):
                continue
            for matmul in users:
                base = matmul.name or matmul.output[0]
                x, y = matmul.input[0], matmul.output[0]
                x_q, x_scale, x_zp = f"{base}_x_quantized", f"{base}_x_scale", f"{base}_x_zero_point"
                acc, acc_float, both_scales = f"{base}_int32", f"{base}_int32_float", f"{base}_scales"
                replacement = [
                    helper.make_node("DynamicQuantizeLinear", [x], [x_q, x_scale, x_zp], name=f"{base}_QuantizeLinear"),
                    helper.make_node("MatMulInteger", [x_q, weight_int8, x_zp, zero_point], [acc], name=f"{base}_MatMulInteger"),
                    helper.make_node("Cast", [acc], [acc_float], to=TensorProto.FLOAT, name=f"{base}_Cast"),
                    helper.make_node("Mul", [x_scale, scale], [both_scales], name=f"{base}_scales_Mul"),
                    helper.make_node("Mul", [acc_float, both_scales], [y], name=f"{base}_output_Mul"),
                ]
                at = list(graph.node).index(matmul)
                graph.node.remove(matmul)
                for offset, node in enumerate(replacement):
                    graph.node.insert(at + offset, node)
            graph.node.remove(dequant)


def _subgraphs(graph: onnx.GraphProto):
    """A graph and every If/Loop body inside it."""
    yield graph
    for node in graph.node:
        for attr in node.attribute:
            for g in ([attr.g] if attr.type == onnx.AttributeProto.GRAPH else list(attr.graphs)):
                yield from _subgraphs(g)


def quantize_q4(src: Path, dst: Path) -> None:
    """4-bit block-wise weight-only quantisation (MatMulNBits, block 32, symmetric).

    Only MatMuls whose B is a constant initializer are touched; Conv and Gather
    stay fp32, as in transformers.js's quantize_q4.
    """
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quantizer = MatMulNBitsQuantizer(onnx.load(str(src)), block_size=32, is_symmetric=True, accuracy_level=None)
    quantizer.process()
    _save(quantizer.model.model, dst)


def _fp16_model(src: Path) -> onnx.ModelProto:
    from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST, convert_float_to_float16

    model = convert_float_to_float16(
        onnx.load(str(src)),
        min_positive_val=1e-7,
        max_finite_val=1e4,
        keep_io_types=True,
        op_block_list=DEFAULT_OP_BLOCK_LIST + FP16_OP_BLOCK_LIST_EXTRA,
    )
    _toposort(model.graph, set())
    return model


def convert_fp16(src: Path, dst: Path) -> None:
    """fp16 weights and compute with fp32 graph inputs/outputs (keep_io_types).

    Keeping fp32 I/O means callers feed the same tensors as for fp32; constants
    are clamped to 1e-7..1e4 like transformers.js did.

    The merged decoder is NOT converted directly: onnxruntime's converter puts
    the Casts it needs inside If branches into the main graph, which yields an
    invalid model. Instead the two flat decoders optimum also wrote
    (decoder_model.onnx, decoder_with_past_model.onnx, next to ``src``) are
    converted and then merged again with optimum's merge_decoders, exactly as
    optimum builds the fp32 merged graph.
    """
    if src.name == "decoder_model_merged.onnx":
        from optimum.onnx import merge_decoders

        no_past = _fp16_model(src.with_name("decoder_model.onnx"))
        with_past = _fp16_model(src.with_name("decoder_with_past_model.onnx"))
        # strict=False: the with-past branch does not re-emit the (constant) cross-attention KV.
        # merge_decoders checks and saves the model itself (single file below 2 GB).
        merge_decoders(no_past, with_past, strict=False, save_path=dst)
    else:
        _save(_fp16_model(src), dst)


CONVERTERS = {"fp16": convert_fp16, "q8": quantize_q8, "q4": quantize_q4}


def _all_nodes(graph: onnx.GraphProto):
    """Nodes of a graph including those inside If/Loop subgraphs."""
    for node in graph.node:
        yield node
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from _all_nodes(attr.g)
            for g in attr.graphs:
                yield from _all_nodes(g)


def _subgraph_free_names(node: onnx.NodeProto) -> set[str]:
    """Outer-scope names an If/Loop node's subgraphs read (implicit inputs)."""
    names: set[str] = set()
    for attr in node.attribute:
        graphs = [attr.g] if attr.type == onnx.AttributeProto.GRAPH else list(attr.graphs)
        for g in graphs:
            local = {i.name for i in g.input} | {i.name for i in g.initializer}
            for inner in g.node:
                local.update(inner.output)
            for inner in g.node:
                names.update(n for n in inner.input if n and n not in local)
                names.update(n for n in _subgraph_free_names(inner) if n not in local)
    return names


def _toposort(graph: onnx.GraphProto, outer: set[str]) -> None:
    """Reorder nodes (recursively) so each comes after its producers.

    onnxruntime's float16 converter appends the fp32->fp16 input Casts at the
    end of the node list; ORT tolerates that but onnx.checker and some
    runtimes do not.
    """
    known = set(outer) | {i.name for i in graph.input} | {i.name for i in graph.initializer} | {""}
    pending = list(graph.node)
    ordered: list[onnx.NodeProto] = []
    while pending:
        progress = []
        for node in pending:
            needs = set(node.input) | _subgraph_free_names(node)
            if needs <= known:
                progress.append(node)
                known.update(node.output)
        if not progress:
            raise RuntimeError(f"graph has a cycle or dangling input near {pending[0].name}")
        ids = {id(n) for n in progress}
        pending = [n for n in pending if id(n) not in ids]
        ordered.extend(progress)
    for node in ordered:
        for attr in node.attribute:
            graphs = [attr.g] if attr.type == onnx.AttributeProto.GRAPH else list(attr.graphs)
            for g in graphs:
                _toposort(g, known)
    copies = [onnx.NodeProto.FromString(n.SerializeToString()) for n in ordered]
    del graph.node[:]
    graph.node.extend(copies)


def variant_path(onnx_dir: Path, stem: str, dtype: str) -> Path:
    return onnx_dir / f"{stem}{SUFFIXES[dtype]}.onnx"
