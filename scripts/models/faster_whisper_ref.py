#!/usr/bin/env python3
"""Print faster-whisper's greedy transcript of one file, from the ORIGINAL CT2 weights.

    python scripts/models/faster_whisper_ref.py --ct2 DIR/ct2/whisper-tiny.en --audio FILE

This is the reference the TypeScript tests compare transformers.js against,
word for word: it runs the package exactly as its publishers intended
(CTranslate2), so a mismatch points at our conversion, not at the model.
Decoding is deterministic: beam_size=1, temperature 0 only (no fallback),
no VAD, no word timestamps, condition_on_previous_text left at its default.
Computation is float32 on CPU (the fp16 weights are upcast, as CT2 does on
CPUs without fp16 support anyway), so results do not depend on the host.

stdout gets exactly one line: the segments' text joined and stripped.
"""

from __future__ import annotations

import argparse
import sys


def transcribe(ct2_dir: str, audio: str, language: str | None, task: str, threads: int) -> str:
    from faster_whisper import WhisperModel

    model = WhisperModel(ct2_dir, device="cpu", compute_type="float32", cpu_threads=threads)
    segments, _info = model.transcribe(
        audio,
        beam_size=1,
        best_of=1,
        temperature=0.0,
        vad_filter=False,
        word_timestamps=False,
        language=language,
        task=task,
    )
    return "".join(segment.text for segment in segments).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ct2", required=True, help="CT2 model folder (DIR/ct2/<name>)")
    parser.add_argument("--audio", required=True, help="audio file (anything ffmpeg/PyAV decodes)")
    parser.add_argument("--language", default=None,
                        help="e.g. en; default: the model's only language, or detection for multilingual models")
    parser.add_argument("--task", default="transcribe", choices=("transcribe", "translate"))
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0 = CTranslate2 default)")
    args = parser.parse_args(argv)
    print(transcribe(args.ct2, args.audio, args.language, args.task, args.threads), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
