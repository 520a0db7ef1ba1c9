"""The server's q8 encoder: ``onnx/encoder_model_int8.onnx`` (transformers.js's ``int8`` suffix).

The ``_quantized`` encoder (quantize.py, transformers.js's recipe) has uint8 weights with one
scale per tensor, the fastest in WASM, and the page keeps it. Native onnxruntime runs this one:

- every MatMul with int8 weights, one scale per output column (what CTranslate2's int8 does per
  row), which native onnxruntime's int8 kernels multiply fastest;
- the two convolutions and each layer's fc2 (the projection after GELU) left in float. fc2's input
  is GELU's output, whose few large values set one scale for a whole 1500-frame activation when it
  is quantized on the fly, and most of the encoder's error came from there.

Measured 2026-12-03 (2 cores, AMD EPYC, onnxruntime 1.32, three 30 s windows of real speech):
base's encoder output is 0.06-0.08 from fp32's (relative L2), against 0.13-0.21 for ``_quantized``,
in 208 ms a window against 228 ms (fp32: 305 ms). Transcripts move a third less from fp32's
(bench/RESULTS.md, session 19). In WASM it is the slower (base 2670 against 1959 ms, one thread)
and twice the download (fc2 in float), so it is built for the server only.
"""

from __future__ import annotations

from pathlib import Path

STEM = "encoder_model"
SUFFIX = "_int8"
# Nodes left in float, by their exported names (/layers.N/fc2/MatMul; the convolutions by type).
FLOAT_NAME_PARTS = ("/fc2/",)


def path_in(onnx_dir: Path) -> Path:
    return onnx_dir / f"{STEM}{SUFFIX}.onnx"


def quantize_int8_encoder(src: Path, dst: Path) -> None:
    """Write the int8 encoder for the fp32 encoder at ``src`` to ``dst``."""
    import onnx
    from onnxruntime.quantization import QuantType
    from onnxruntime.quantization.onnx_quantizer import ONNXQuantizer
    from onnxruntime.quantization.quant_utils import QuantizationMode

    model = onnx.load(str(src))
    in_float = [n.name for n in model.graph.node
                if n.op_type == "Conv" or any(part in n.name for part in FLOAT_NAME_PARTS)]
    if not any("/fc2/" in name for name in in_float):
        raise RuntimeError(f"{src.name}: no fc2 MatMul found to keep in float; the export's node names changed")
    quantizer = ONNXQuantizer(
        model,
        True,  # per_channel
        False,  # reduce_range
        QuantizationMode.IntegerOps,
        False,  # static
        QuantType.QInt8,  # weights
        QuantType.QUInt8,  # dynamic activations are always uint8
        None,  # tensors_range
        [],  # nodes_to_quantize: all but the excluded
        in_float,
        ["MatMul"],
        extra_options={"MatMulConstBOnly": True},
    )
    quantizer.quantize_model()
    onnx.checker.check_model(quantizer.model.model)
    onnx.save_model(quantizer.model.model, str(dst), save_as_external_data=False)
