"""Writing the output folder safely.

Files are staged beside the output folder, then moved into place only when
the whole build succeeded. A manifest lists what hubgen wrote, so a later
build deletes only its own stale files: never the user's, never a dotfile.
Files whose bytes did not change are left alone.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from hubgen.config import CONFIG_NAME, Config
from hubgen.errors import UsageError

MANIFEST_NAME = ".hubgen-manifest.json"
MANIFEST_VERSION = 1
_PROTECTED_FOLDERS = ("content", "static", "templates", "themes")


@dataclass
class WriteReport:
    """What a build did to the output folder."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def check_output_folder(output: Path, config: Config) -> Path:
    """Refuse, before touching anything, an output folder that would put the hub at risk.

    Returns the resolved folder. Raises UsageError for the hub's own folder or
    one of its ancestors, a folder inside content/, static/, templates/ or
    themes/, or a folder that holds a content/ folder or a hubgen config.
    """
    output = output.resolve()
    root = config.root.resolve()
    reason = ""
    if output == root:
        reason = "it is the hub's own folder"
    elif root.is_relative_to(output):
        reason = "it holds the hub's folder"
    elif any(output.is_relative_to(root / name) for name in _PROTECTED_FOLDERS):
        reason = "it lies inside the hub's sources"
    elif output.is_relative_to(config.resolve(config.cache_dir)):
        reason = "it lies inside the build cache"
    elif output.exists() and not output.is_dir():
        reason = "it is a file, not a folder"
    elif (output / "content").is_dir() or (output / CONFIG_NAME).exists() \
            or output == config.path.parent:
        reason = "it holds a hub's content/ or hubgen.yaml"
    if reason:
        raise UsageError(f"refusing to build into {output}: {reason}; nothing was written. "
                         "Choose another folder with --output or 'output:' in hubgen.yaml.")
    return output


def _is_dotted(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/"))


def read_manifest(output: Path) -> set[str]:
    """The files an earlier build wrote (empty when there is no readable manifest)."""
    try:
        data = json.loads((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return set()
    files = data.get("files", [])
    return {f for f in files if isinstance(f, str) and ".." not in f.split("/")}


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        if path.stat().st_size != len(content):
            return False
        return path.read_bytes() == content
    except OSError:
        return False


def _atomic_write(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.hubgen-tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _remove_empty_parents(path: Path, stop: Path) -> None:
    parent = path.parent
    while parent != stop and parent.is_relative_to(stop):
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def write_output(output: Path, files: dict[str, bytes]) -> WriteReport:
    """Bring `output` in line with `files` (relative path → bytes), touching only what changed."""
    report = WriteReport()
    previous = read_manifest(output)
    staging = output.parent / f".{output.name}.hubgen-staging"
    if staging.exists():
        shutil.rmtree(staging)
    staged: list[str] = []
    try:
        for relative in sorted(files):
            content = files[relative]
            if _same_bytes(output / relative, content):
                report.unchanged.append(relative)
                continue
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            staged.append(relative)
        output.mkdir(parents=True, exist_ok=True)
        for relative in staged:
            destination = output / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / relative, destination)
            report.written.append(relative)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)

    for relative in sorted(previous - files.keys()):
        if _is_dotted(relative):
            continue
        stale = output / relative
        if stale.is_file() and not stale.is_symlink():
            stale.unlink()
            report.removed.append(relative)
            _remove_empty_parents(stale, output)

    manifest = {"version": MANIFEST_VERSION, "generator": "hubgen", "files": sorted(files)}
    manifest_bytes = (json.dumps(manifest, indent=1) + "\n").encode("utf-8")
    if not _same_bytes(output / MANIFEST_NAME, manifest_bytes):
        _atomic_write(output / MANIFEST_NAME, manifest_bytes)
    return report
