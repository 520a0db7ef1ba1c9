"""Numerical checks for a conversion (docs/ct2-to-onnx.md section 4).

1. CT2 (compute_type float32) vs rebuilt PyTorch on one log-mel array: encoder
   max abs diff, and greedy tokens identical with per-step log-probs close.
2. onnxruntime greedy decode on every exported dtype, checking the fp32 graph
   reproduces the PyTorch tokens and that the decoder emits cross-attentions.

All engines get the same log-mel features so only the model math is compared.
Plain argmax loops without logits processors keep the comparison honest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENCODER_TOLERANCE = 5e-3  # doc expects ~1e-3; CT2 uses fused kernels
LOGPROB_TOLERANCE = 5e-3
MAX_NEW_TOKENS = 120


class VerificationError(RuntimeError):
    """A numerical check failed; the conversion must not be published."""


@dataclass
class DecodeResult:
    tokens: list[int]
    text: str


def log_mel(audio_path: Path, n_mels: int) -> np.ndarray:
    """[1, n_mels, 3000] float32 features (transformers' WhisperFeatureExtractor)."""
    from faster_whisper.audio import decode_audio
    from transformers import WhisperFeatureExtractor

    audio = decode_audio(str(audio_path), sampling_rate=16000)
    fe = WhisperFeatureExtractor(feature_size=n_mels)
    return fe(audio, sampling_rate=16000, return_tensors="np").input_features.astype(np.float32)


def prompt_for(gen: dict) -> list[int]:
    """English transcription without timestamps (section 4 prompts)."""
    if gen["is_multilingual"]:
        return [gen["decoder_start_token_id"], gen["lang_to_id"]["<|en|>"], gen["task_to_id"]["transcribe"],
                gen["no_timestamps_token_id"]]
    return [gen["decoder_start_token_id"], gen["no_timestamps_token_id"]]


def _log_softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


# ----------------------------------------------------------------------------
# CT2 vs PyTorch
# ----------------------------------------------------------------------------


def torch_greedy(model, features: np.ndarray, prompt: list[int], eot: int) -> tuple[list[int], list[float]]:
    """Greedy decode with the KV cache; returns new tokens (without eot) and their log-probs."""
    import torch

    with torch.no_grad():
        enc = model.model.encoder(torch.from_numpy(features)).last_hidden_state
        ids = torch.tensor([prompt])
        past, tokens, logprobs = None, [], []
        for _ in range(MAX_NEW_TOKENS):
            out = model(encoder_outputs=(enc,), decoder_input_ids=ids, past_key_values=past, use_cache=True)
            past = out.past_key_values
            lp = _log_softmax(out.logits[0, -1].numpy())
            token = int(lp.argmax())
            if token == eot:
                break
            tokens.append(token)
            logprobs.append(float(lp[token]))
            ids = torch.tensor([[token]])
    return tokens, logprobs


def check_ct2_vs_torch(ct2_dir: Path, model, features: np.ndarray, prompt: list[int], eot: int, log) -> list[int]:
    """Raise VerificationError unless the rebuilt model matches CTranslate2 itself."""
    import ctranslate2
    import torch

    ct2 = ctranslate2.models.Whisper(str(ct2_dir), device="cpu", compute_type="float32")
    sv = ctranslate2.StorageView.from_array(features)
    ct2_enc = np.array(ct2.encode(sv, to_cpu=True))
    with torch.no_grad():
        torch_enc = model.model.encoder(torch.from_numpy(features)).last_hidden_state.numpy()
    enc_diff = float(np.abs(ct2_enc - torch_enc).max())
    log(f"encoder max|CT2 - torch| = {enc_diff:.2e}")
    if enc_diff > ENCODER_TOLERANCE:
        raise VerificationError(f"encoder output differs from CT2 by {enc_diff} (> {ENCODER_TOLERANCE})")

    res = ct2.generate(sv, [prompt], beam_size=1, suppress_blank=False, suppress_tokens=[],
                       max_length=len(prompt) + MAX_NEW_TOKENS, return_logits_vocab=True)[0]
    ct2_tokens = [t for t in res.sequences_ids[0] if t != eot]
    # res.logits[hypothesis][step] is the full-vocabulary logit vector of that step.
    ct2_logprobs = [float(_log_softmax(np.array(step))[t]) for step, t in zip(res.logits[0], ct2_tokens)]
    torch_tokens, torch_logprobs = torch_greedy(model, features, prompt, eot)
    if ct2_tokens != torch_tokens:
        raise VerificationError(f"greedy tokens differ:\n  CT2   {ct2_tokens}\n  torch {torch_tokens}")
    lp_diff = max((abs(a - b) for a, b in zip(ct2_logprobs, torch_logprobs)), default=0.0)
    log(f"greedy tokens identical ({len(torch_tokens)}), max log-prob diff {lp_diff:.2e}")
    if lp_diff > LOGPROB_TOLERANCE:
        raise VerificationError(f"per-step log-probs differ from CT2 by {lp_diff}")
    return torch_tokens


# ----------------------------------------------------------------------------
# onnxruntime
# ----------------------------------------------------------------------------


def _session(path: Path):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


_ORT_FLOAT = {"tensor(float)": np.float32, "tensor(float16)": np.float16}


def ort_greedy(encoder_path: Path, decoder_path: Path, features: np.ndarray, prompt: list[int], eot: int,
               num_layers: int) -> list[int]:
    """Greedy decode through the merged decoder exactly as transformers.js drives it.

    Step 1: use_cache_branch=False with empty [1, heads, 0, head_dim] pasts and
    the whole prompt (decoder length > 1); later steps feed one token with the
    presents. Also checks the cross-attention outputs' shapes.
    """
    enc, dec = _session(encoder_path), _session(decoder_path)
    feat_type = _ORT_FLOAT[enc.get_inputs()[0].type]
    hidden = enc.run(["last_hidden_state"], {"input_features": features.astype(feat_type)})[0]
    inputs = {i.name: i for i in dec.get_inputs()}
    out_names = [o.name for o in dec.get_outputs()]
    cross_names = [f"cross_attentions.{i}" for i in range(num_layers)]
    if not set(cross_names) <= set(out_names):
        raise VerificationError(f"{decoder_path.name} has no cross_attentions outputs")

    past = {}
    for name, meta in inputs.items():
        if name.startswith("past_key_values."):
            heads, head_dim = meta.shape[1], meta.shape[3]
            past[name] = np.zeros((1, heads, 0, head_dim), dtype=_ORT_FLOAT[meta.type])
    ids, tokens, use_cache = list(prompt), [], False
    for _ in range(MAX_NEW_TOKENS):
        feed = {
            "input_ids": np.array([ids], dtype=np.int64),
            "encoder_hidden_states": hidden.astype(_ORT_FLOAT[inputs["encoder_hidden_states"].type]),
            "use_cache_branch": np.array([use_cache]),
            **past,
        }
        outs = dict(zip(out_names, dec.run(out_names, feed)))
        att = outs[cross_names[0]]
        if att.shape[0] != 1 or att.shape[2] != len(ids) or att.shape[3] != hidden.shape[1]:
            raise VerificationError(f"cross_attentions.0 has shape {att.shape}")
        for name in past:
            present = name.replace("past_key_values.", "present.")
            # The with-past branch passes the encoder KV through; keep step 1's copy.
            if use_cache and ".encoder." in name:
                continue
            past[name] = outs[present]
        token = int(outs["logits"][0, -1].argmax())
        if token == eot:
            break
        tokens.append(token)
        ids, use_cache = [token], True
    return tokens


CACHE_BLOCK = 64  # the app's loop passes the cache's filled positions rounded up to this (fixed-cache.ts)


def ort_greedy_fixed_cache(encoder_path: Path, cross_kv_path: Path, decoder_path: Path, features: np.ndarray,
                           prompt: list[int], eot: int, capacity: int, vocabulary: dict | None = None) -> list[int]:
    """Greedy decode through the fixed-cache decoder (fixed_cache.py) as the app's loop drives it.

    The cross keys/values come once from cross_kv_model; each step feeds the new tokens at
    `offset`, reads logits of the last one only and writes the returned keys/values into
    preallocated [1, heads, capacity, head_dim] buffers, of which it passes the positions up to
    the step's end, rounded up to whole blocks. Given `vocabulary` (vocabulary.py's table), the
    graph is the one without it: the tokens go in as embeddings and the logits are the table's
    product, as in the page.
    """
    import vocabulary as split

    enc, cross, dec = _session(encoder_path), _session(cross_kv_path), _session(decoder_path)
    feat_type = _ORT_FLOAT[enc.get_inputs()[0].type]
    hidden = enc.run(["last_hidden_state"], {"input_features": features.astype(feat_type)})[0]
    hidden = hidden.astype(_ORT_FLOAT[cross.get_inputs()[0].type])
    feed = dict(zip([o.name for o in cross.get_outputs()], cross.run(None, {"encoder_hidden_states": hidden})))
    # Decoding steps leave word timing's cross-attention weights unfetched, as the app does.
    out_names = [o.name for o in dec.get_outputs() if not o.name.startswith("cross_attentions")]
    cache = {meta.name: np.zeros((1, meta.shape[1], capacity, meta.shape[3]), dtype=_ORT_FLOAT[meta.type])
             for meta in dec.get_inputs() if meta.name.startswith("past_")}
    ids, tokens, offset = list(prompt), [], 0
    for _ in range(MAX_NEW_TOKENS):
        held = min(capacity, -(-(offset + len(ids)) // CACHE_BLOCK) * CACHE_BLOCK)
        feed.update({name: np.ascontiguousarray(buffer[:, :, :held]) for name, buffer in cache.items()})
        if vocabulary is None:
            feed.update(input_ids=np.array([ids], dtype=np.int64))
        else:
            feed.update(input_embeds=split.embed(vocabulary, [ids]))
        feed.update(offset=np.array([offset], dtype=np.int64), logit_positions=np.array([len(ids) - 1], dtype=np.int64))
        outs = dict(zip(out_names, dec.run(out_names, feed)))
        if vocabulary is not None:
            outs["logits"] = split.project(vocabulary, outs.pop("projection_input"), outs.pop("projection_scale"))
        for name, value in outs.items():
            if name != "logits":
                cache[f"past_{name}"][:, :, offset:offset + len(ids)] = value
        offset += len(ids)
        token = int(outs["logits"][0, -1].argmax())
        if token == eot:
            break
        tokens.append(token)
        ids = [token]
    return tokens
