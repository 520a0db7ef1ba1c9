"""Schemathesis hooks of the bounded fuzz run (tests/api/fuzz.spec.ts loads them through SCHEMATHESIS_HOOKS).

They keep the run to a few minutes on two cores without narrowing what it checks:

- Every generated upload is cut to at most 318 bytes, keeping its parity (an odd length stays
  odd, so encode=false's odd_pcm_length is still reached). With encode=false, 160 samples
  (320 bytes) or more are audio that the server really transcribes, about a second of CPU each;
  shorter ones, and garbage that ffmpeg refuses, are answered at once.
- One upload per operation and response layout carries a real recording instead
  ($KOE_FUZZ_AUDIO), in the first positive case the served model (tiny.en) can answer, so that
  successful answers are checked against the document too, not only refusals.
- The coverage phase sends one request per language code (100) to each operation that takes a
  language; it keeps a few codes here, since the others take the same path through the server.
"""

from __future__ import annotations

import os

import schemathesis

MAX_NOISE_BYTES = 318
# The first code (every other coverage case uses it), the served model's, one it has no token for, the last.
COVERAGE_LANGUAGES = {"af", "en", "yue", "zh"}
FILE_FIELDS = ("audio_file", "file")
# /asr's `output` and /v1's `response_format`; any other value is served as the default layout.
LAYOUTS = {"txt", "vtt", "srt", "tsv", "json", "text", "verbose_json"}
GRANULARITIES = {"word", "segment"}
# The model names /v1 answers to (tiny.en, English-only, ignores the language asked for).
ANSWERABLE_MODELS = {"whisper-1", "tiny.en"}

_audio_path = os.environ.get("KOE_FUZZ_AUDIO")
_audio = open(_audio_path, "rb").read() if _audio_path else None
_layouts_with_audio: set[tuple] = set()


def _among(value, choices: set) -> bool:
    """Membership for any generated value: negative cases send lists and objects too."""
    return (value is None or isinstance(value, str)) and value in choices


def _positive(case) -> bool:
    return case.meta is not None and case.meta.generation.mode == "positive"


def _fields(case) -> dict:
    return case.body if isinstance(case.body, dict) else {}


def _query(case) -> dict:
    return case.query if isinstance(case.query, dict) else {}


def _language(case):
    return _query(case).get("language", _fields(case).get("language"))


def _answerable(case) -> bool:
    fields = _fields(case)
    return _positive(case) and ("model" not in fields or _among(fields["model"], ANSWERABLE_MODELS))


def _layout(case) -> tuple:
    """The operation and the layout of the answer the case asks for (word or segment timings included)."""
    fields = _fields(case)
    layout = _query(case).get("output", fields.get("response_format"))
    if not _among(layout, LAYOUTS):
        layout = None
    sent = fields.get("timestamp_granularities[]", [])
    granularities = tuple(sorted({value for value in (sent if isinstance(sent, list) else [sent]) if _among(value, GRANULARITIES)}))
    return (case.method, case.path, layout, granularities if layout == "verbose_json" else ())


@schemathesis.hook
def filter_case(context, case) -> bool:
    in_coverage = case.meta is not None and case.meta.phase.name == "coverage"
    return not (in_coverage and _positive(case) and not _among(_language(case), COVERAGE_LANGUAGES | {None}))


@schemathesis.hook
def map_case(context, case):
    fields = _fields(case)
    name = next((field for field in FILE_FIELDS if field in fields), None)
    if name is None:
        return case
    value = fields[name]
    data = value.encode() if isinstance(value, str) else value
    # A case can pass through here more than once: what was done stays done.
    if not isinstance(data, (bytes, bytearray)) or data == _audio:
        return case
    layout = _layout(case)
    if _audio is not None and layout not in _layouts_with_audio and _answerable(case):
        _layouts_with_audio.add(layout)
        data = _audio
    elif len(data) > MAX_NOISE_BYTES:
        data = bytes(data[: MAX_NOISE_BYTES + len(data) % 2])
    # A new body: cases of the coverage phase share theirs.
    case.body = {**fields, name: data}
    return case
