"""Export Whisper's decoder with a fixed-capacity self-attention cache (docs/ct2-to-onnx.md).

optimum's merged decoder takes the whole self-attention cache in and returns it grown by one
position every step: onnxruntime concatenates it into a new buffer, onnxruntime-node copies
that into a new JS buffer, and V8 collects the old one. These two graphs let the decoding loop
keep the cache in buffers of its own instead:

``cross_kv_model.onnx``
    ``encoder_hidden_states`` [1, frames, d] -> ``cross_key.{i}``/``cross_value.{i}``
    [1, heads, frames, head_dim]: the cross-attention keys/values, once per window.
``decoder_fixed_cache_model.onnx``
    ``input_ids`` [batch, tokens], ``offset`` [1] (the position of the first of ``tokens``),
    ``logit_positions`` [n] (which of ``tokens`` need logits), ``past_key.{i}``/``past_value.{i}``
    [batch, heads, held, head_dim], held <= capacity (448) (positions >= offset are ignored, whatever
    they hold; the loop passes its filled positions rounded up to 64 blocks) and
    the cross keys/values (batch 1, broadcast over the rows: beams share one window's audio)
    -> ``logits`` [batch, n, vocab] and ``key.{i}``/``value.{i}`` [batch, heads, tokens, head_dim]
    for the new positions only, which the loop writes into its cache at ``offset``; and
    ``cross_attentions.{i}`` [batch, heads, tokens, frames], the softmaxed cross-attention
    weights, which word timing reads from one pass over a window's tokens. Decoding steps do not
    fetch them: the weights are computed for the attention anyway, so leaving them out costs
    nothing, and one graph serves both (the page need not load the merged decoder for timing).

Per step the graph reads the `held` positions passed in and writes nothing proportional to them,
so no allocation grows with the cache; the loop keeps buffers for all 448 and moves the filled
positions apart as `held` grows (src/lib/engine/decoding/fixed-cache.ts). The math is the Hugging Face module's, layer by layer (query scaled before
the product, GELU feed-forward, tied output projection), so fp32 tokens match the merged decoder.
"""

from __future__ import annotations

from pathlib import Path

OPSET = 18
FIXED_CACHE_STEM = "decoder_fixed_cache_model"
CROSS_KV_STEM = "cross_kv_model"


def _modules(model):
    import torch

    decoder = model.model.decoder
    layers = list(decoder.layers)
    heads = layers[0].self_attn.num_heads
    head_dim = layers[0].self_attn.head_dim
    capacity = decoder.embed_positions.weight.shape[0]

    def split_heads(x, batch, length):
        return x.view(batch, length, heads, head_dim).transpose(1, 2)

    class Wrapper(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.decoder = decoder  # registered, so the tracer sees weights as parameters

    class CrossKv(Wrapper):
        def forward(self, encoder_hidden_states):
            batch, frames = encoder_hidden_states.shape[:2]
            outputs = []
            for layer in self.decoder.layers:
                attn = layer.encoder_attn
                outputs.append(split_heads(attn.k_proj(encoder_hidden_states), batch, frames))
                outputs.append(split_heads(attn.v_proj(encoder_hidden_states), batch, frames))
            return tuple(outputs)

    class FixedCacheDecoder(Wrapper):
        def forward(self, input_ids, offset, logit_positions, *caches):
            decoder = self.decoder
            batch, length = input_ids.shape
            positions = offset + torch.arange(length, dtype=torch.int64)
            x = decoder.embed_tokens(input_ids) * decoder.embed_scale + decoder.embed_positions.weight[positions]
            # The cache passed in may hold fewer positions than the model's 448 (the loop passes
            # as many as it has filled, rounded up): attention reads only those. Cached positions
            # at or past `offset` hold stale rows: mask them; new tokens see themselves and the
            # ones before them.
            held = caches[0].shape[2]
            stale = torch.arange(held, dtype=torch.int64) >= offset
            past_mask = torch.zeros(held).masked_fill(stale, float("-inf"))
            causal = torch.ones(length, length, dtype=torch.bool).triu(1)
            new_mask = torch.zeros(length, length).masked_fill(causal, float("-inf"))
            present, attentions = [], []
            for i, layer in enumerate(decoder.layers):
                past_key, past_value, cross_key, cross_value = caches[4 * i: 4 * i + 4]
                residual = x
                h = layer.self_attn_layer_norm(x)
                attn = layer.self_attn
                q = split_heads(attn.q_proj(h) * attn.scaling, batch, length)
                k = split_heads(attn.k_proj(h), batch, length)
                v = split_heads(attn.v_proj(h), batch, length)
                scores = torch.cat([q @ past_key.transpose(2, 3) + past_mask, q @ k.transpose(2, 3) + new_mask], -1)
                probs = scores.softmax(-1)
                out = probs[..., :held] @ past_value + probs[..., held:] @ v
                x = residual + attn.out_proj(out.transpose(1, 2).reshape(batch, length, -1))
                present += [k, v]

                residual = x
                h = layer.encoder_attn_layer_norm(x)
                cross = layer.encoder_attn
                q = split_heads(cross.q_proj(h) * cross.scaling, batch, length)
                weights = (q @ cross_key.transpose(2, 3)).softmax(-1)
                attentions.append(weights)
                x = residual + cross.out_proj((weights @ cross_value).transpose(1, 2).reshape(batch, length, -1))

                residual = x
                h = layer.final_layer_norm(x)
                x = residual + layer.fc2(layer.activation_fn(layer.fc1(h)))
            x = decoder.layer_norm(x)[:, logit_positions]
            logits = x @ decoder.embed_tokens.weight.t()  # Whisper ties proj_out to the embedding
            return (logits, *present, *attentions)

    return CrossKv(), FixedCacheDecoder(), len(layers), heads, head_dim, capacity


def export_fixed_cache(model, out_dir: Path) -> dict[str, Path]:
    """Write the two graphs (fp32) into out_dir and return their paths by stem."""
    import torch

    model = model.float().eval().requires_grad_(False)
    cross_kv, fixed, layers, heads, head_dim, capacity = _modules(model)
    d_model = model.config.d_model
    frames = model.config.max_source_positions
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {CROSS_KV_STEM: out_dir / f"{CROSS_KV_STEM}.onnx", FIXED_CACHE_STEM: out_dir / f"{FIXED_CACHE_STEM}.onnx"}

    cross_names = [f"cross_{kv}.{i}" for i in range(layers) for kv in ("key", "value")]
    hidden = torch.randn(1, frames, d_model)
    with torch.no_grad():
        torch.onnx.export(
            cross_kv, (hidden,), str(paths[CROSS_KV_STEM]), opset_version=OPSET, dynamo=False,
            input_names=["encoder_hidden_states"], output_names=cross_names,
            dynamic_axes={"encoder_hidden_states": {0: "batch"}, **{n: {0: "batch"} for n in cross_names}},
        )

    batch, length = 2, 3
    inputs = [torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.int64), torch.tensor([5], dtype=torch.int64),
              torch.tensor([0, 2], dtype=torch.int64)]
    input_names = ["input_ids", "offset", "logit_positions"]
    dynamic = {"input_ids": {0: "batch", 1: "tokens"}, "logit_positions": {0: "positions"}}
    for i in range(layers):
        inputs += [torch.randn(batch, heads, capacity, head_dim), torch.randn(batch, heads, capacity, head_dim),
                   torch.randn(1, heads, frames, head_dim), torch.randn(1, heads, frames, head_dim)]
        names = [f"past_key.{i}", f"past_value.{i}", f"cross_key.{i}", f"cross_value.{i}"]
        input_names += names
        dynamic.update({names[0]: {0: "batch", 2: "held"}, names[1]: {0: "batch", 2: "held"}})
    output_names = (["logits"] + [f"{kv}.{i}" for i in range(layers) for kv in ("key", "value")]
                    + [f"cross_attentions.{i}" for i in range(layers)])
    dynamic["logits"] = {0: "batch", 1: "positions"}
    dynamic.update({n: {0: "batch", 2: "tokens"} for n in output_names[1:]})
    with torch.no_grad():
        torch.onnx.export(
            fixed, tuple(inputs), str(paths[FIXED_CACHE_STEM]), opset_version=OPSET, dynamo=False,
            input_names=input_names, output_names=output_names, dynamic_axes=dynamic,
        )
    _tie_output_projection(paths[FIXED_CACHE_STEM])
    return paths


def _tie_output_projection(path: Path) -> None:
    """Store the vocabulary projection as Transpose(embedding), as optimum's export does.

    Constant folding saved the tied projection's weight as a second, transposed copy of the
    embedding, the largest weight (80 MB of tiny.en's 193). The Transpose node keeps one copy in
    the file; onnxruntime folds it once at load, and quantize.py's q8 keeps it integer.
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    embedding = next(init for init in graph.initializer if init.name.endswith("embed_tokens.weight"))
    table = numpy_helper.to_array(embedding)
    logits = next(node for node in graph.node if "logits" in node.output)
    projection = weights.get(logits.input[1])
    if logits.op_type != "MatMul" or projection is None or not np.array_equal(numpy_helper.to_array(projection), table.T):
        raise RuntimeError("the fixed-cache decoder's logits are not a MatMul by the transposed embedding")
    transposed = f"{embedding.name}.T"
    graph.initializer.remove(projection)
    graph.node.insert(list(graph.node).index(logits), helper.make_node("Transpose", [embedding.name], [transposed], perm=[1, 0]))
    logits.input[1] = transposed
    onnx.checker.check_model(model)
    onnx.save_model(model, str(path))
