#!/usr/bin/env python3
"""faster-whisper for the comparison, on the CTranslate2 weights Koe's models are converted from.

Decoding settings are Koe's: the given beam size, best_of 5, temperatures 0 to 1 in steps of
0.2, compression-ratio 2.4, log-prob -1, no-speech 0.6, previous text as prompt, no VAD, no
word timestamps. A file's time covers faster-whisper's own media decoding (PyAV) and the
transcription; the model load is timed apart. Protocol: bench/engines/protocol.ts.
"""

from __future__ import annotations

import json
import sys
import time


def emit(**event) -> None:
    print("BENCH " + json.dumps(event), flush=True)


def main() -> int:
    job = json.loads(sys.argv[1])
    ct2_dir = sys.argv[2]
    from faster_whisper import WhisperModel

    started = time.perf_counter()
    model = WhisperModel(ct2_dir, device="cpu", compute_type=job["dtype"], cpu_threads=job["threads"])
    emit(event="loaded", seconds=time.perf_counter() - started)
    for file in job["files"]:
        emit(event="start", path=file["path"])
        started = time.perf_counter()
        segments, _info = model.transcribe(
            file["path"],
            language=file["language"] if model.model.is_multilingual else None,
            beam_size=job["beamSize"],
            best_of=5,
            temperature=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
            compression_ratio_threshold=2.4,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
            condition_on_previous_text=True,
            vad_filter=False,
            word_timestamps=False,
        )
        text = "".join(segment.text for segment in segments)  # the generator does the work
        emit(event="done", path=file["path"], seconds=time.perf_counter() - started, text=text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
