"""Rebuild a transformers ``WhisperForConditionalGeneration`` folder from CT2 weights.

Follows docs/ct2-to-onnx.md section 2: CT2 fuses Q/K/V (self-attention) and K/V
(cross-attention) into single linears with zero-filled K biases; HF keeps them
separate and has no K bias at all. Every CT2 variable must be consumed by the
mapping or be a known constant, and every HF parameter must be produced, so a
layout change in a future package fails loudly instead of exporting noise.

Token ids and generation settings are derived from the package's own
tokenizer.json and CT2 config.json, never from transformers' heuristics (which
get eot wrong for some multilingual vocabularies).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Scalars and flags CT2 stores that have no HF counterpart. Values we depend on
# are asserted in _check_constants.
_CT2_CONSTANTS = {
    "decoder/activation",
    "decoder/alibi",
    "decoder/alibi_use_positive_positions",
    "decoder/alignment_heads",
    "decoder/alignment_layer",
    "decoder/pre_norm",
    "decoder/scale_alibi",
    "decoder/scale_embeddings",
    "decoder/start_from_zero_embedding",
    "decoder/num_heads",
    "encoder/num_heads",
    "decoder/projection/weight",  # alias of the embeddings (tied proj_out)
}

NUM_TIMESTAMP_TOKENS = 1501  # <|0.00|> ... <|30.00|>


class MappingError(RuntimeError):
    """The CT2 variables do not match the expected Whisper layout."""


@dataclass
class Dims:
    d_model: int
    num_mel_bins: int
    encoder_layers: int
    decoder_layers: int
    encoder_heads: int
    decoder_heads: int
    encoder_ffn: int
    decoder_ffn: int
    vocab_size: int
    max_source_positions: int
    max_target_positions: int


def infer_dims(v: dict[str, np.ndarray]) -> Dims:
    """Read the architecture from tensor shapes (section 2, 'config.json from the weights')."""

    def count_layers(prefix: str) -> int:
        idx = {int(m.group(1)) for k in v if (m := re.match(rf"{prefix}/layer_(\d+)/", k))}
        if idx != set(range(len(idx))):
            raise MappingError(f"{prefix} layer indices are not contiguous: {sorted(idx)}")
        return len(idx)

    conv1 = v["encoder/conv1/weight"]
    return Dims(
        d_model=conv1.shape[0],
        num_mel_bins=conv1.shape[1],
        encoder_layers=count_layers("encoder"),
        decoder_layers=count_layers("decoder"),
        encoder_heads=int(v["encoder/num_heads"]),
        decoder_heads=int(v["decoder/num_heads"]),
        encoder_ffn=v["encoder/layer_0/ffn/linear_0/weight"].shape[0],
        decoder_ffn=v["decoder/layer_0/ffn/linear_0/weight"].shape[0],
        vocab_size=v["decoder/embeddings/weight"].shape[0],
        max_source_positions=v["encoder/position_encodings/encodings"].shape[0],
        max_target_positions=v["decoder/position_encodings/encodings"].shape[0],
    )


def check_constants(v: dict[str, np.ndarray], spec_revision: int) -> None:
    """Reject variants of the spec our mapping does not implement (ALiBi, post-norm, ...)."""
    expected_activation = 3 if spec_revision >= 3 else 1  # exact GELU
    checks = {
        "decoder/activation": expected_activation,
        "decoder/pre_norm": 1,
        "decoder/scale_embeddings": 0,
        "decoder/alibi": 0,
        "decoder/start_from_zero_embedding": 0,
    }
    for name, want in checks.items():
        if name in v and int(v[name]) != want:
            raise MappingError(f"{name} = {int(v[name])}, expected {want}; unsupported Whisper variant")


def _sinusoids(length: int, channels: int) -> np.ndarray:
    """openai/whisper's encoder positional table, used only as a sanity check."""
    log_timescale_increment = np.log(10000) / (channels // 2 - 1)
    inv_timescales = np.exp(-log_timescale_increment * np.arange(channels // 2))
    scaled_time = np.arange(length)[:, None] * inv_timescales[None, :]
    return np.concatenate([np.sin(scaled_time), np.cos(scaled_time)], axis=1).astype(np.float32)


def build_state_dict(v: dict[str, np.ndarray], dims: Dims) -> dict[str, np.ndarray]:
    """Map float32 CT2 variables to HF state_dict keys, checking that every variable is used."""
    d = dims.d_model
    used: set[str] = set()
    sd: dict[str, np.ndarray] = {}

    def take(name: str) -> np.ndarray:
        if name not in v:
            raise MappingError(f"missing CT2 variable {name}")
        used.add(name)
        return v[name]

    def assert_zero(name: str, segment: np.ndarray) -> None:
        if np.any(segment != 0):
            raise MappingError(f"{name}: K-bias filler is not zero (max |x| = {np.abs(segment).max()})")

    def linear(ct2: str, hf: str, bias: bool = True) -> None:
        sd[f"{hf}.weight"] = take(f"{ct2}/weight")
        if bias:
            sd[f"{hf}.bias"] = take(f"{ct2}/bias")

    def layer_norm(ct2: str, hf: str) -> None:
        sd[f"{hf}.weight"] = take(f"{ct2}/gamma")
        sd[f"{hf}.bias"] = take(f"{ct2}/beta")

    def fused_self_attention(ct2: str, hf: str) -> None:
        w, b = take(f"{ct2}/linear_0/weight"), take(f"{ct2}/linear_0/bias")
        if w.shape != (3 * d, d) or b.shape != (3 * d,):
            raise MappingError(f"{ct2}/linear_0 has shape {w.shape}/{b.shape}, expected fused QKV")
        assert_zero(f"{ct2}/linear_0/bias[d:2d]", b[d : 2 * d])
        sd[f"{hf}.q_proj.weight"], sd[f"{hf}.q_proj.bias"] = w[:d], b[:d]
        sd[f"{hf}.k_proj.weight"] = w[d : 2 * d]
        sd[f"{hf}.v_proj.weight"], sd[f"{hf}.v_proj.bias"] = w[2 * d :], b[2 * d :]
        linear(f"{ct2}/linear_1", f"{hf}.out_proj")

    def cross_attention(ct2: str, hf: str) -> None:
        linear(f"{ct2}/linear_0", f"{hf}.q_proj")
        w, b = take(f"{ct2}/linear_1/weight"), take(f"{ct2}/linear_1/bias")
        if w.shape != (2 * d, d) or b.shape != (2 * d,):
            raise MappingError(f"{ct2}/linear_1 has shape {w.shape}/{b.shape}, expected fused KV")
        assert_zero(f"{ct2}/linear_1/bias[0:d]", b[:d])
        sd[f"{hf}.k_proj.weight"] = w[:d]
        sd[f"{hf}.v_proj.weight"], sd[f"{hf}.v_proj.bias"] = w[d:], b[d:]
        linear(f"{ct2}/linear_2", f"{hf}.out_proj")

    def ffn(ct2: str, hf: str) -> None:
        layer_norm(f"{ct2}/layer_norm", f"{hf}.final_layer_norm")
        linear(f"{ct2}/linear_0", f"{hf}.fc1")
        linear(f"{ct2}/linear_1", f"{hf}.fc2")

    # Encoder
    linear("encoder/conv1", "model.encoder.conv1")
    linear("encoder/conv2", "model.encoder.conv2")
    enc_pos = take("encoder/position_encodings/encodings")
    drift = np.abs(enc_pos - _sinusoids(*enc_pos.shape)).max()
    if drift > 2e-3:
        raise MappingError(f"encoder positional table differs from sinusoids by {drift}")
    sd["model.encoder.embed_positions.weight"] = enc_pos
    for i in range(dims.encoder_layers):
        src, dst = f"encoder/layer_{i}", f"model.encoder.layers.{i}"
        layer_norm(f"{src}/self_attention/layer_norm", f"{dst}.self_attn_layer_norm")
        fused_self_attention(f"{src}/self_attention", f"{dst}.self_attn")
        ffn(f"{src}/ffn", dst)
    layer_norm("encoder/layer_norm", "model.encoder.layer_norm")

    # Decoder
    sd["model.decoder.embed_tokens.weight"] = take("decoder/embeddings/weight")
    sd["proj_out.weight"] = sd["model.decoder.embed_tokens.weight"]
    sd["model.decoder.embed_positions.weight"] = take("decoder/position_encodings/encodings")
    for i in range(dims.decoder_layers):
        src, dst = f"decoder/layer_{i}", f"model.decoder.layers.{i}"
        layer_norm(f"{src}/self_attention/layer_norm", f"{dst}.self_attn_layer_norm")
        fused_self_attention(f"{src}/self_attention", f"{dst}.self_attn")
        layer_norm(f"{src}/attention/layer_norm", f"{dst}.encoder_attn_layer_norm")
        cross_attention(f"{src}/attention", f"{dst}.encoder_attn")
        ffn(f"{src}/ffn", dst)
    layer_norm("decoder/layer_norm", "model.decoder.layer_norm")

    proj = v.get("decoder/projection/weight")
    if proj is not None and not np.array_equal(proj, sd["proj_out.weight"]):
        raise MappingError("decoder/projection/weight is not tied to the embeddings")

    leftover = set(v) - used - _CT2_CONSTANTS
    if leftover:
        raise MappingError(f"unmapped CT2 variables: {sorted(leftover)[:10]}")
    return sd


# --------------------------------------------------------------------------
# Tokenizer and generation settings
# --------------------------------------------------------------------------


@dataclass
class SpecialIds:
    eot: int
    sot: int
    no_timestamps: int
    prev_sot: int
    translate: int
    transcribe: int
    multilingual: bool


def load_vocabulary(ct2_dir: Path) -> list[str]:
    """CT2's id-ordered token list (vocabulary.json since CT2 3.16, vocabulary.txt before)."""
    if (ct2_dir / "vocabulary.json").exists():
        return json.loads((ct2_dir / "vocabulary.json").read_text("utf-8"))
    return (ct2_dir / "vocabulary.txt").read_text("utf-8").split("\n")[:-1]


def complete_tokenizer_json(tokenizer: dict, vocabulary: list[str], vocab_size: int) -> dict:
    """Return tokenizer.json with every id < vocab_size present, adding timestamp tokens.

    Some packages (tiny.en here) ship a tokenizer.json that stops at
    <|notimestamps|>. transformers.js maps ids back to strings through it, and
    finds timestamps as the ids after <|notimestamps|>, so we append the
    <|x.xx|> tokens as *non-special* added tokens, like convert_tiktoken_to_hf.
    """
    if len(vocabulary) != vocab_size:
        raise MappingError(f"vocabulary has {len(vocabulary)} tokens, the model has {vocab_size}")
    id_to_token = {i: t for t, i in tokenizer["model"]["vocab"].items()}
    for added in tokenizer["added_tokens"]:
        id_to_token[added["id"]] = added["content"]
    for i, token in id_to_token.items():
        if i < vocab_size and vocabulary[i] != token:
            raise MappingError(f"tokenizer.json id {i} is {token!r} but vocabulary says {vocabulary[i]!r}")
    missing = [i for i in range(vocab_size) if i not in id_to_token]
    if missing and missing != list(range(missing[0], vocab_size)):
        raise MappingError(f"tokenizer.json has holes that are not a trailing range: {missing[:5]}...")
    out = json.loads(json.dumps(tokenizer))
    for i in missing:
        if not re.fullmatch(r"<\|\d+\.\d\d\|>", vocabulary[i]):
            raise MappingError(f"id {i} ({vocabulary[i]!r}) is missing from tokenizer.json and is not a timestamp")
        out["added_tokens"].append(
            {
                "id": i,
                "content": vocabulary[i],
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": True,
                "special": False,
            }
        )
    return out


def special_ids(tokenizer: dict, vocab_size: int) -> SpecialIds:
    """Look the control tokens up by string (section 2: never guess eot from vocab size)."""
    by_content = {t["content"]: t["id"] for t in tokenizer["added_tokens"]}

    def get(name: str) -> int:
        if name not in by_content:
            raise MappingError(f"tokenizer.json has no {name}")
        return by_content[name]

    ids = SpecialIds(
        eot=get("<|endoftext|>"),
        sot=get("<|startoftranscript|>"),
        no_timestamps=get("<|notimestamps|>"),
        prev_sot=get("<|startofprev|>"),
        translate=get("<|translate|>"),
        transcribe=get("<|transcribe|>"),
        multilingual=vocab_size >= 51865,
    )
    if ids.multilingual != (ids.eot == 50257):
        raise MappingError(f"vocab_size {vocab_size} and eot {ids.eot} disagree about multilinguality")
    if ids.no_timestamps + 1 + NUM_TIMESTAMP_TOKENS != vocab_size:
        raise MappingError("timestamp tokens do not fill the vocabulary after <|notimestamps|>")
    return ids


def language_tokens(tokenizer: dict, ids: SpecialIds) -> dict[str, int]:
    """The 99 (or 100) language tokens sit between <|startoftranscript|> and <|translate|>."""
    by_id = {t["id"]: t["content"] for t in tokenizer["added_tokens"]}
    return {by_id[i]: i for i in range(ids.sot + 1, ids.translate)}


def generation_config_dict(ids: SpecialIds, ct2_config: dict, tokenizer: dict, max_length: int) -> dict:
    """generation_config.json values from section 2's table, preferring the package's own lists."""
    heads = ct2_config.get("alignment_heads")
    if not heads:
        raise MappingError("CT2 config.json has no alignment_heads (needed for word timestamps)")
    cfg = {
        "alignment_heads": [list(map(int, h)) for h in heads],
        "begin_suppress_tokens": list(ct2_config.get("suppress_ids_begin") or [220, ids.eot]),
        "bos_token_id": ids.eot,
        "decoder_start_token_id": ids.sot,
        "eos_token_id": ids.eot,
        "pad_token_id": ids.eot,
        "is_multilingual": ids.multilingual,
        "max_initial_timestamp_index": 50,
        "max_length": max_length,
        "no_timestamps_token_id": ids.no_timestamps,
        "prev_sot_token_id": ids.prev_sot,
        "return_timestamps": False,
        "suppress_tokens": list(ct2_config.get("suppress_ids") or []),
    }
    if ids.multilingual:
        cfg["lang_to_id"] = language_tokens(tokenizer, ids)
        cfg["task_to_id"] = {"translate": ids.translate, "transcribe": ids.transcribe}
    return cfg


# --------------------------------------------------------------------------
# Writing the HF folder
# --------------------------------------------------------------------------


def whisper_config(dims: Dims, ids: SpecialIds, gen: dict):
    from transformers import WhisperConfig

    return WhisperConfig(
        vocab_size=dims.vocab_size,
        num_mel_bins=dims.num_mel_bins,
        d_model=dims.d_model,
        encoder_layers=dims.encoder_layers,
        decoder_layers=dims.decoder_layers,
        encoder_attention_heads=dims.encoder_heads,
        decoder_attention_heads=dims.decoder_heads,
        encoder_ffn_dim=dims.encoder_ffn,
        decoder_ffn_dim=dims.decoder_ffn,
        max_source_positions=dims.max_source_positions,
        max_target_positions=dims.max_target_positions,
        activation_function="gelu",
        scale_embedding=False,
        tie_word_embeddings=True,
        pad_token_id=ids.eot,
        bos_token_id=ids.eot,
        eos_token_id=ids.eot,
        decoder_start_token_id=ids.sot,
        begin_suppress_tokens=gen["begin_suppress_tokens"],
        architectures=["WhisperForConditionalGeneration"],
    )


def build_model(state_dict: dict[str, np.ndarray], config):
    """Instantiate the fp32 torch model and load the rebuilt weights strictly."""
    import torch
    from transformers import WhisperForConditionalGeneration

    model = WhisperForConditionalGeneration(config)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)) for k, a in state_dict.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=True)
    if missing or unexpected:  # strict=True raises already; belt and braces
        raise MappingError(f"missing {missing}, unexpected {unexpected}")
    model.tie_weights()
    return model.eval()


def save_hf_folder(model, gen: dict, tokenizer_json: dict, n_mels: int, out_dir: Path) -> None:
    """save_pretrained the model, generation config, tokenizer and processor into out_dir."""
    from transformers import GenerationConfig, WhisperFeatureExtractor, WhisperProcessor, WhisperTokenizerFast

    out_dir.mkdir(parents=True, exist_ok=True)
    model.generation_config = GenerationConfig(**gen)
    model.save_pretrained(out_dir, safe_serialization=True)

    tok_file = out_dir / "_source_tokenizer.json"
    tok_file.write_text(json.dumps(tokenizer_json, ensure_ascii=False), "utf-8")
    eot = "<|endoftext|>"
    tokenizer = WhisperTokenizerFast(
        tokenizer_file=str(tok_file), unk_token=eot, bos_token=eot, eos_token=eot, pad_token=eot,
        model_max_length=1024,
    )
    tok_file.unlink()
    feature_extractor = WhisperFeatureExtractor(feature_size=n_mels)
    WhisperProcessor(feature_extractor=feature_extractor, tokenizer=tokenizer).save_pretrained(out_dir)

    tok_cfg_path = out_dir / "tokenizer_config.json"
    tok_cfg = json.loads(tok_cfg_path.read_text("utf-8"))
    if tok_cfg.get("tokenizer_class") != "WhisperTokenizer":
        # transformers.js selects its Whisper decoding by this exact string.
        tok_cfg["tokenizer_class"] = "WhisperTokenizer"
        tok_cfg_path.write_text(json.dumps(tok_cfg, indent=2, ensure_ascii=False) + "\n", "utf-8")
