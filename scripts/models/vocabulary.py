"""The q8 fixed-capacity decoder with its tied vocabulary outside the graph, for the page.

onnxruntime-web's int8 matrix product has no path for one row: for tiny.en the vocabulary
projection (one hidden state by the 51 864 x 384 embedding) takes 10.7 ms a call on one thread,
a third of a decoder step (bench/RESULTS-browser.md). The page does that product itself, in a
small WASM kernel of its own (src/lib/browser/vocabulary-kernel.wat), reading the same int8
table once, and looks up the input tokens' embeddings in it too:

``decoder_fixed_cache_hidden_model_quantized.onnx``
    the q8 fixed-capacity decoder (fixed_cache.py) less the embedding's Gather and the
    projection: ``input_embeds`` [batch, tokens, d] (float) in place of ``input_ids``, and in
    place of ``logits`` the final hidden state as the projection's DynamicQuantizeLinear made it,
    ``projection_input`` [batch, positions, d] (float holding integers: the quantised values less
    their zero point) and ``projection_scale`` [] (its scale times the table's).
``vocabulary_quantized.safetensors``
    ``weight`` uint8 [vocab, d], the table; ``scale`` float32 [1] and ``zero_point`` uint8 [1],
    its quantisation.

Then, exactly as the graph's own nodes compute them (integer sums are exact):

    input_embeds[t]  = float32(weight[t] - zero_point) * scale            Gather + DequantizeLinear
    logits[p, v]     = float32(sum_k projection_input[p, k] * (weight[v, k] - zero_point))
                       * projection_scale                                  MatMulInteger + Cast + Mul

so the page's tokens are the server's, which ``verify_split`` checks on the speech clip. The
download is the same size (the table moves out of the graph), and onnxruntime-web's heap no
longer holds the table twice (its Transpose for the projection is folded at load).
"""

from __future__ import annotations

from pathlib import Path

HIDDEN_STEM = "decoder_fixed_cache_hidden_model"
VOCABULARY_FILE = "vocabulary_quantized.safetensors"


class SplitError(RuntimeError):
    """The q8 graph is not laid out as this split expects."""


def split_vocabulary(quantized_decoder: Path, graph_out: Path, vocabulary_out: Path) -> None:
    """Write the graph without the vocabulary and the vocabulary's table from the q8 fixed-cache decoder."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import save_file

    model = onnx.load(str(quantized_decoder))
    graph = model.graph
    produced_by = {out: node for node in graph.node for out in node.output}
    initializers = {init.name: init for init in graph.initializer}

    # The input side: Gather(table, input_ids) -> DequantizeLinear(·, scale, zero point).
    gather = next((n for n in graph.node if n.op_type == "Gather" and n.input[1] == "input_ids"), None)
    if gather is None or gather.input[0] not in initializers:
        raise SplitError("no Gather of input_ids from a quantised table")
    table_name = gather.input[0]
    dequantize = next(n for n in graph.node if n.op_type == "DequantizeLinear" and n.input[0] == gather.output[0])
    _, scale_name, zero_point_name = dequantize.input
    # The output side: MatMulInteger(DynamicQuantizeLinear(h), Transpose(table)) -> Cast -> Mul -> logits.
    mul = produced_by["logits"]
    cast = produced_by[mul.input[0]]
    matmul = produced_by[cast.input[0]]
    transpose = produced_by.get(matmul.input[1])
    quantize = produced_by.get(matmul.input[0])
    if (mul.op_type, cast.op_type, matmul.op_type) != ("Mul", "Cast", "MatMulInteger") or transpose is None \
            or transpose.op_type != "Transpose" or transpose.input[0] != table_name \
            or quantize is None or quantize.op_type != "DynamicQuantizeLinear" or matmul.input[3] != zero_point_name:
        raise SplitError("the logits are not MatMulInteger(DynamicQuantizeLinear(h), Transpose(table))")
    x_quantized, x_zero_point = matmul.input[0], matmul.input[2]
    embeds_out = dequantize.output[0]

    table = numpy_helper.to_array(initializers[table_name])
    scale = numpy_helper.to_array(initializers[scale_name]).astype(np.float32).reshape(1)
    zero_point = numpy_helper.to_array(initializers[zero_point_name]).reshape(1)
    if table.dtype != np.uint8 or zero_point.dtype != np.uint8:
        raise SplitError(f"the table is {table.dtype}, its zero point {zero_point.dtype}; the kernel reads uint8")
    vocab, d_model = table.shape

    for node in (gather, dequantize, transpose, matmul, cast, mul):
        graph.node.remove(node)
    # The loop's batch and token counts came from input_ids' shape; the embeddings' first two dims are those.
    for node in graph.node:
        if node.op_type == "Shape" and list(node.input) == ["input_ids"]:
            node.input[0] = "input_embeds"
            node.attribute.append(helper.make_attribute("end", 2))
        for i, name in enumerate(node.input):
            if name == embeds_out:
                node.input[i] = "input_embeds"
    if any("input_ids" in node.input for node in graph.node):
        raise SplitError("input_ids has a use this split does not know")
    graph.node.extend([
        helper.make_node("Cast", [x_quantized], ["projection_input_values"], to=TensorProto.FLOAT),
        helper.make_node("Cast", [x_zero_point], ["projection_input_zero_point"], to=TensorProto.FLOAT),
        helper.make_node("Sub", ["projection_input_values", "projection_input_zero_point"], ["projection_input"]),
        helper.make_node("Identity", [mul.input[1]], ["projection_scale"]),
    ])
    graph.initializer.remove(initializers[table_name])
    used = {name for node in graph.node for name in node.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)

    ids = next(i for i in graph.input if i.name == "input_ids")
    position = list(graph.input).index(ids)
    graph.input.remove(ids)
    graph.input.insert(position, helper.make_tensor_value_info("input_embeds", TensorProto.FLOAT, ["batch", "tokens", d_model]))
    logits = next(o for o in graph.output if o.name == "logits")
    position = list(graph.output).index(logits)
    graph.output.remove(logits)
    graph.output.insert(position, helper.make_tensor_value_info("projection_scale", TensorProto.FLOAT, []))
    graph.output.insert(position, helper.make_tensor_value_info("projection_input", TensorProto.FLOAT,
                                                                ["batch", "positions", d_model]))
    onnx.checker.check_model(model)
    onnx.save_model(model, str(graph_out))
    save_file({"weight": np.ascontiguousarray(table), "scale": scale, "zero_point": zero_point}, str(vocabulary_out),
              metadata={"vocab": str(vocab), "d_model": str(d_model)})


def project(vocabulary: dict, projection_input, projection_scale):
    """The logits the kernel computes, in numpy: [..., d] -> [..., vocab] (float32)."""
    import numpy as np

    weights = vocabulary["weight"].astype(np.int64) - int(vocabulary["zero_point"][0])
    sums = projection_input.astype(np.int64) @ weights.T
    return sums.astype(np.float32) * np.float32(projection_scale)


def embed(vocabulary: dict, ids):
    """The input tokens' embeddings as the graph's DequantizeLinear made them: [batch, tokens, d]."""
    import numpy as np

    rows = vocabulary["weight"][np.asarray(ids)].astype(np.int32) - int(vocabulary["zero_point"][0])
    return rows.astype(np.float32) * vocabulary["scale"][0]
