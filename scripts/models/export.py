"""Export a rebuilt HF Whisper folder to the two ONNX graphs transformers.js opens.

Uses optimum-onnx's ``main_export`` (not the CLI) because the CLI cannot add
the decoder's ``cross_attentions.{i}`` outputs. transformers.js computes word
timestamps by DTW over those tensors, so without them ``return_timestamps:
'word'`` is impossible. The subclass mirrors transformers.js's former
``scripts/extra/whisper.py``; ``output_attentions=True`` makes transformers
return the attention probabilities (and selects eager attention).
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

KEEP = ("encoder_model.onnx", "decoder_model_merged.onnx")
OPSET = 18  # optimum-onnx's default for Whisper; ORT-web and onnxruntime-node 1.2x support it


def _cross_attention_config_class():
    from optimum.exporters.onnx.base import ConfigBehavior
    from optimum.exporters.onnx.model_configs import WhisperOnnxConfig

    class CrossAttentionWhisperOnnxConfig(WhisperOnnxConfig):
        """WhisperOnnxConfig whose decoder also outputs per-layer cross-attention probabilities."""

        @property
        def outputs(self):
            outputs = super().outputs
            if self._behavior is ConfigBehavior.DECODER:
                for i in range(self._config.decoder_layers):
                    outputs[f"cross_attentions.{i}"] = {
                        0: "batch_size",
                        2: "decoder_sequence_length",
                        3: "encoder_sequence_length_out",
                    }
            return outputs

    return CrossAttentionWhisperOnnxConfig


def export_onnx(hf_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Run the export into out_dir/raw and return paths of the encoder and merged decoder."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from optimum.exporters.onnx import main_export
    from transformers import AutoConfig

    raw = out_dir / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    config = AutoConfig.from_pretrained(hf_dir)
    base = _cross_attention_config_class()(config=config, task="automatic-speech-recognition")
    custom = {
        "encoder_model": base.with_behavior("encoder"),
        "decoder_model": base.with_behavior("decoder", use_past=True, use_past_in_inputs=False),
        "decoder_with_past_model": base.with_behavior("decoder", use_past=True, use_past_in_inputs=True),
    }
    with warnings.catch_warnings():
        # The tracer warns about Whisper's input-length check and mask constants; both are
        # fixed by design (3000 frames in, 1500 positions out), so the traces are valid.
        warnings.filterwarnings("ignore", message=r".*(Converting a tensor to a Python boolean|torch.tensor results)")
        main_export(
            str(hf_dir),
            output=raw,
            task="automatic-speech-recognition-with-past",
            opset=OPSET,
            device="cpu",
            local_files_only=True,
            do_validation=False,  # we check ORT against torch ourselves (verify.py)
            model_kwargs={"output_attentions": True},
            custom_onnx_configs=custom,
        )
    paths = {name: raw / name for name in KEEP}
    for name, path in paths.items():
        if not path.exists():
            raise RuntimeError(f"optimum did not produce {name} (got {sorted(p.name for p in raw.iterdir())})")
    _check_io(paths, config.decoder_layers)
    return paths


def _check_io(paths: dict[str, Path], decoder_layers: int) -> None:
    """Fail if the graphs lack the inputs/outputs transformers.js relies on."""
    import onnx

    enc = onnx.load(str(paths["encoder_model.onnx"]), load_external_data=False)
    if [i.name for i in enc.graph.input] != ["input_features"]:
        raise RuntimeError(f"unexpected encoder inputs {[i.name for i in enc.graph.input]}")
    dec = onnx.load(str(paths["decoder_model_merged.onnx"]), load_external_data=False)
    inputs = {i.name for i in dec.graph.input}
    outputs = {o.name for o in dec.graph.output}
    need_in = {"input_ids", "encoder_hidden_states", "use_cache_branch"}
    need_out = {"logits"} | {f"cross_attentions.{i}" for i in range(decoder_layers)}
    for i in range(decoder_layers):
        for part in ("decoder", "encoder"):
            for kv in ("key", "value"):
                need_in.add(f"past_key_values.{i}.{part}.{kv}")
                need_out.add(f"present.{i}.{part}.{kv}")
    if need_in - inputs or need_out - outputs:
        raise RuntimeError(f"merged decoder lacks inputs {sorted(need_in - inputs)} / outputs {sorted(need_out - outputs)}")
    extra = inputs - need_in
    if extra:  # e.g. cache_position, which transformers.js would not feed
        raise RuntimeError(f"merged decoder has unexpected inputs {sorted(extra)}")
