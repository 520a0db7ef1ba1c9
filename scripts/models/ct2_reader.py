"""Parse a CTranslate2 ``model.bin`` (binary version 6) into numpy arrays.

CTranslate2 has no reverse converter, so we read its serialisation format
directly (``ModelSpec._serialize`` / ``Model::load``). The parser is strict on
purpose: a wrong byte offset would silently produce garbage weights, so we
insist on the exact dtype/size bookkeeping and on ending exactly at EOF. The
EOF check is also what validates a model.bin re-assembled from split parts.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SUPPORTED_BINARY_VERSION = 6

# CTranslate2 DataType ids (include/ctranslate2/types.h). bfloat16 is special
# cased below because numpy has no native bf16.
_DTYPES = {
    0: np.dtype("<f4"),
    1: np.dtype("i1"),
    2: np.dtype("<i2"),
    3: np.dtype("<i4"),
    4: np.dtype("<f2"),
    5: np.dtype("<u2"),  # bfloat16, widened to float32 after reading
}


class CT2FormatError(RuntimeError):
    """The file does not look like a well-formed CTranslate2 model.bin."""


@dataclass
class CT2Model:
    """Everything model.bin contains, with aliases already resolved."""

    spec_name: str
    spec_revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str] = field(default_factory=dict)
    stored_dtypes: dict[str, str] = field(default_factory=dict)


class _Cursor:
    """Sequential little-endian reader over an in-memory buffer."""

    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.pos = 0

    def take(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise CT2FormatError(f"unexpected end of file at byte {self.pos} (wanted {n} more bytes)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str):
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))

    def u8(self) -> int:
        return self.unpack("<B")[0]

    def u16(self) -> int:
        return self.unpack("<H")[0]

    def u32(self) -> int:
        return self.unpack("<I")[0]

    def string(self) -> str:
        # The length counts the terminating NUL byte.
        length = self.u16()
        if length == 0:
            raise CT2FormatError(f"zero-length string record at byte {self.pos - 2}")
        raw = bytes(self.take(length))
        if raw[-1] != 0:
            raise CT2FormatError(f"string at byte {self.pos - length} is not NUL terminated")
        return raw[:-1].decode("utf-8")


def _read_variable(cur: _Cursor) -> tuple[str, np.ndarray, str]:
    name = cur.string()
    rank = cur.u8()
    shape = tuple(cur.unpack(f"<{rank}I")) if rank else ()
    type_id = cur.u8()
    if type_id not in _DTYPES:
        raise CT2FormatError(f"variable {name}: unknown dtype id {type_id}")
    dtype = _DTYPES[type_id]
    num_bytes = cur.u32()
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if num_bytes != count * dtype.itemsize:
        raise CT2FormatError(
            f"variable {name}: {num_bytes} bytes for shape {shape} of {dtype} "
            f"(expected {count * dtype.itemsize})"
        )
    array = np.frombuffer(cur.take(num_bytes), dtype=dtype).reshape(shape).copy()
    stored = {0: "float32", 1: "int8", 2: "int16", 3: "int32", 4: "float16", 5: "bfloat16"}[type_id]
    if type_id == 5:
        array = (array.astype(np.uint32) << 16).view(np.float32)
    return name, array, stored


def read_model_bin(path: str | Path) -> CT2Model:
    """Parse ``path`` completely; raise CT2FormatError unless it ends exactly at EOF."""
    data = Path(path).read_bytes()
    cur = _Cursor(data)

    version = cur.u32()
    if version != SUPPORTED_BINARY_VERSION:
        raise CT2FormatError(f"binary version {version}, only {SUPPORTED_BINARY_VERSION} is supported")
    spec_name = cur.string()
    spec_revision = cur.u32()

    variables: dict[str, np.ndarray] = {}
    stored: dict[str, str] = {}
    for _ in range(cur.u32()):
        name, array, dtype_name = _read_variable(cur)
        if name in variables:
            raise CT2FormatError(f"duplicate variable {name}")
        variables[name] = array
        stored[name] = dtype_name

    aliases: dict[str, str] = {}
    for _ in range(cur.u32()):
        alias = cur.string()
        aliases[alias] = cur.string()

    if cur.pos != len(data):
        raise CT2FormatError(f"parser stopped at byte {cur.pos} but the file has {len(data)} bytes")

    _resolve_aliases(variables, aliases)
    return CT2Model(spec_name, spec_revision, variables, aliases, stored)


def _resolve_aliases(variables: dict[str, np.ndarray], aliases: dict[str, str]) -> None:
    """Point each alias at its target's array (chains allowed, cycles rejected)."""
    for alias in aliases:
        target, seen = alias, set()
        while target in aliases:
            if target in seen:
                raise CT2FormatError(f"alias cycle through {alias}")
            seen.add(target)
            target = aliases[target]
        if target not in variables:
            raise CT2FormatError(f"alias {alias} points to missing variable {target}")
        variables[alias] = variables[target]


def dequantize(variables: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return float32 weights, undoing int8/int16 quantisation where a ``*_scale`` exists.

    Systran-style packages are float16 and have no scales; int8 packages carry a
    per-row ``weight_scale`` (W_q = W * scale), int16 a scalar one.
    """
    out: dict[str, np.ndarray] = {}
    for name, array in variables.items():
        if name.endswith("_scale"):
            continue
        scale = variables.get(f"{name}_scale")
        if scale is not None and array.dtype in (np.int8, np.int16):
            flat = array.reshape(array.shape[0], -1).astype(np.float32)
            if scale.ndim == 0:
                flat = flat / scale.astype(np.float32)
            else:
                flat = flat / scale.astype(np.float32).reshape(-1, 1)
            out[name] = flat.reshape(array.shape)
        elif array.dtype.kind == "f":
            out[name] = array.astype(np.float32)
        else:
            out[name] = array  # integer scalars (num_heads, activation, flags)
    return out
