"""Publishing the output folder with rsync, to a folder here or on a server over ssh.

`rsync -a` copies the site. Deleting is hubgen's own: the destination keeps a
copy of the manifest (`.hubgen-manifest.json`, the files hubgen wrote), and a
publish deletes only the files that manifest lists and the new one no longer
does. Every other file of the destination stays. Here the stale files are
deleted directly; on a server, a second rsync run deletes them with filter
rules that include only those paths (and the folders on the way to them) and
exclude everything else, so nothing else can be deleted.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from hubgen.build import BuildResult
from hubgen.build.output import (
    MANIFEST_NAME,
    manifest_bytes,
    read_manifest,
    remove_empty_parents,
    source_folders,
    stale_files,
)
from hubgen.config import CONFIG_NAME, Config
from hubgen.publish.report import PublishReport
from hubgen.publish.targets import RsyncTarget
from hubgen.publish.tools import PublishError, find_tool, run_tool
from hubgen.wording import plural, some_of

_MARK = "hubgen:"
OUT_FORMAT = f"--out-format={_MARK}%i %n"


def is_remote(destination: str) -> bool:
    """True for what rsync reaches over the network: host:path, user@host:path,
    host::module or rsync://…; a colon after a '/' belongs to a local path."""
    if destination.startswith("rsync://"):
        return True
    head, colon, _ = destination.partition(":")
    return bool(colon) and bool(head) and "/" not in head


def inside(destination: str, name: str) -> str:
    """The address of a file in the destination folder ('host:/srv/hub/' → 'host:/srv/hub/NAME')."""
    return destination + name if destination.endswith(("/", ":")) else f"{destination}/{name}"


def local_destination(target: RsyncTarget, config: Config, output: Path) -> Path:
    """The destination folder on this machine (relative to the hub's folder); refuses one
    that holds or lies in the output folder or the hub."""
    path = Path(target.destination).expanduser()
    path = (path if path.is_absolute() else config.root / path).resolve()
    root = config.root.resolve()
    reason = ""
    if path == output or path.is_relative_to(output):
        reason = "it is the output folder, or lies inside it"
    elif output.is_relative_to(path):
        reason = "it holds the output folder"
    elif root.is_relative_to(path):
        reason = "it is the hub's folder, or holds it"
    elif any(path.is_relative_to(folder) for folder in source_folders(root)):
        reason = "it lies inside the hub's sources"
    elif (path / CONFIG_NAME).exists() or (path / "content").is_dir():
        reason = "it holds a hub's content/ or hubgen.yaml"
    elif path.exists() and not path.is_dir():
        reason = "it is a file, not a folder"
    if reason:
        raise PublishError(f"refusing to publish to {path}: {reason}; nothing was copied. "
                           f"Choose another destination in publish.{target.name}.")
    return path


def copy_command(rsync: str, output: Path, destination: str, options: Iterable[str],
                 dry_run: bool, *, files_from: Path, making_way: bool = False) -> list[str]:
    """The rsync run that copies the files `files_from` lists (the build's) from the
    output folder: never another file of the folder, the manifest or a .git.

    Files are compared by checksum: rsync's usual size-and-time check compares
    whole seconds, and a page can change without changing size (a date in a
    feed) within the second of the last publish. `making_way` lets a dry run
    say what it would copy where a folder of stale files still stands in a
    file's way (a real publish deletes them first).
    """
    force = ["--force"] if dry_run and making_way else []
    return [rsync, "-a", "--checksum", f"--files-from={files_from}", "--from0",
            f"--exclude=/{MANIFEST_NAME}", "--exclude=.git", *options, *force, "-8",
            OUT_FORMAT, *(["--dry-run"] if dry_run else []), f"{output}/", destination]


def write_file_list(outputs: Iterable[str], workdir: Path) -> Path:
    """The list `copy_command` sends: the build's files, NUL-separated as --from0 reads."""
    listed = workdir / "site-files"
    listed.write_bytes(b"".join(name.encode("utf-8", "surrogateescape") + b"\0"
                                for name in sorted(outputs)))
    return listed


def _pattern(path: str) -> str:
    """An anchored rsync filter pattern matching exactly this path."""
    if any(char in path for char in "*?["):
        # Only a pattern holding a wildcard treats backslash as an escape.
        path = "".join("\\" + char if char in "*?[\\" else char for char in path)
    return "/" + path


def _folders(paths: Iterable[str]) -> list[str]:
    """Every folder on the way to these paths ('a/b/c.html' → 'a', 'a/b')."""
    return sorted({parent.as_posix() for path in paths
                   for parent in PurePosixPath(path).parents if parent.as_posix() != "."})


def deletion_rules(stale: Iterable[str]) -> list[str]:
    """Include rules for the stale files and the folders that lead to them (the command adds
    a final exclude of everything else, so no other file can be deleted)."""
    stale = sorted(stale)
    return [_pattern(folder) + "/" for folder in _folders(stale)] + \
        [_pattern(file) for file in stale]


def deletion_command(rsync: str, skeleton: Path, destination: str, rules_file: Path,
                     options: Iterable[str], dry_run: bool) -> list[str]:
    """The rsync run that deletes the stale files at the destination and nothing else.

    The sender is a skeleton holding only the folders the site still has, so
    a folder the site dropped is removed once its stale files are gone
    (folders holding other files stay). hubgen's filter rules come before the
    user's options, so no option of theirs can widen what is deleted.
    """
    return [rsync, "--recursive", "--delete", "--existing", f"--include-from={rules_file}",
            "--exclude=*", *options, "-8", OUT_FORMAT, *(["--dry-run"] if dry_run else []),
            f"{skeleton}/", destination]


def _parse(output: str) -> tuple[list[str], list[str], list[str]]:
    """Files added, updated and deleted, from rsync's `%i %n` lines."""
    added: list[str] = []
    updated: list[str] = []
    removed: list[str] = []
    for line in output.splitlines():
        if not line.startswith(_MARK):
            continue
        item, _, name = line[len(_MARK):].partition(" ")
        name = name.strip()
        if item.startswith("*deleting"):
            if not name.endswith("/"):
                removed.append(name)
        elif len(item) > 2 and item[0] in "<>ch" and item[1] == "f":
            (added if item[2:].strip("+") == "" else updated).append(name)
    return added, updated, removed


def _remote_manifest(rsync: str, destination: str, options: Iterable[str],
                     workdir: Path) -> set[str]:
    """The manifest of the last publish, fetched from the server (empty when there is none)."""
    copy = workdir / "previous"
    copy.mkdir()
    run_tool([rsync, *options, inside(destination, MANIFEST_NAME), f"{copy}/"],
             what=f"reading the manifest of {destination}", ok=(0, 23))
    return read_manifest(copy)


def _delete_here(destination: Path, stale: list[str], dry_run: bool) -> list[str]:
    removed = []
    for relative in stale:
        path = destination / relative
        if not path.is_file() or path.is_symlink():
            continue
        removed.append(relative)
        if dry_run:
            continue
        path.unlink()
        remove_empty_parents(path, destination)
    return removed


def delete_with_rsync(rsync: str, output: Path, destination: str, stale: list[str],
                      options: Iterable[str], dry_run: bool, workdir: Path) -> list[str]:
    """Delete the stale files at any destination rsync reaches; returns those it deleted."""
    if not stale:
        return []
    skeleton = Path(tempfile.mkdtemp(prefix="skeleton-", dir=workdir))
    for folder in _folders(stale):
        if (output / folder).is_dir():
            (skeleton / folder).mkdir(parents=True, exist_ok=True)
    rules_file = skeleton.with_suffix(".rules")
    rules_file.write_text("\n".join(deletion_rules(stale)) + "\n", encoding="utf-8")
    ran = run_tool(deletion_command(rsync, skeleton, destination, rules_file, options, dry_run),
                   what=f"deleting stale files at {destination}")
    return _parse(ran.stdout)[2]


def _refuse_to_replace(foreign: list[str], destination: str) -> None:
    """Stop before a file no publish of hubgen's wrote is replaced by other bytes."""
    if foreign:
        raise PublishError(
            f"{destination} holds {plural(len(foreign), 'file')} that no publish of "
            f"hubgen's wrote and the site would replace: {some_of(foreign, 10)}. "
            "Nothing was copied; move them away (or, if the site's own should win, delete "
            "them) and publish again.")


class Standing(NamedTuple):
    """What the destination holds: a kind for each name ('d' a folder, 'l' a symlink,
    '-' a file or anything else), read from this machine's disk or rsync's listing."""

    kind_of: Callable[[str], str | None]                 # None: nothing there
    within: Callable[[str], Iterable[tuple[str, str]]]   # (name, kind) under a folder


def _standing_here(here: Path) -> Standing:
    def kind_of(name: str) -> str | None:
        try:
            mode = (here / name).lstat().st_mode
        except OSError:
            return None
        return "d" if stat.S_ISDIR(mode) else "l" if stat.S_ISLNK(mode) else "-"

    def within(folder: str) -> Iterator[tuple[str, str]]:
        for parent, folders, files in os.walk(here / folder):
            for name in folders + files:
                relative = (Path(parent) / name).relative_to(here).as_posix()
                yield relative, kind_of(relative) or "-"
    return Standing(kind_of, within)


def _standing_there(rsync: str, destination: str, options: Iterable[str]) -> Standing:
    """What the destination holds, listed by rsync (an empty listing for a new folder)."""
    folder = destination if destination.endswith(("/", ":")) else destination + "/"
    listed = run_tool([rsync, "--list-only", "--recursive", *options, "-8", folder],
                      what=f"listing {destination}", ok=(0, 23))
    kinds: dict[str, str] = {}
    for line in listed.stdout.splitlines():
        fields = line.split(None, 4)
        if len(fields) == 5 and fields[0][:1] in "dl-cbps":
            kind = fields[0][0] if fields[0][0] in "dl" else "-"
            # With --links (or -a) a symlink is listed with its target: 'name -> target'.
            name = fields[4].rsplit(" -> ", 1)[0] if kind == "l" else fields[4]
            kinds[name] = kind

    def within(folder: str) -> Iterator[tuple[str, str]]:
        return ((name, kind) for name, kind in kinds.items()
                if name.startswith(folder + "/"))
    return Standing(kinds.get, within)


def _making_way(outputs: Iterable[str], stale: Iterable[str], standing: Standing) -> set[str]:
    """The folders standing where the site now has a file that hold nothing but stale files
    (an earlier publish's, as when `static/kit/` became `static/kit`): deleting those
    files, as every publish does, makes way for the site's file."""
    stale = set(stale)

    def emptied_by_deleting(folder: str) -> bool:
        entries = list(standing.within(folder))
        files = [inner for inner, kind in entries if kind != "d"]
        # Every file a stale one, and every folder holding one: deleting them leaves
        # nothing (an empty folder a publish never made would stay, in the file's way).
        return bool(files) and all(inner in stale and kind == "-" for inner, kind in entries
                                   if kind != "d") and \
            all(any(file.startswith(inner + "/") for file in files)
                for inner, kind in entries if kind == "d")
    return {name for name in outputs
            if standing.kind_of(name) == "d" and emptied_by_deleting(name)}


def _in_the_way(outputs: Iterable[str], previous: set[str], standing: Standing) -> set[str]:
    """What no publish wrote and rsync would delete to make way for the site: a file or
    symlink where the site has a folder, a folder or symlink where it has a file."""
    outputs = list(outputs)
    kind_of = standing.kind_of
    return ({name for name in _folders(outputs) if kind_of(name) in ("l", "-")} |
            {name for name in outputs if kind_of(name) in ("l", "d")}) - previous


def _send_manifest(rsync: str, files: set[str], destination: str, options: Iterable[str],
                   workdir: Path) -> None:
    """Put a manifest listing `files` at the destination, making the destination folder
    as the site's copy would (a folder's contents, not a lone file, make it)."""
    folder = workdir / "manifest"
    folder.mkdir(exist_ok=True)
    (folder / MANIFEST_NAME).write_bytes(manifest_bytes(files))
    run_tool([rsync, "-a", *options, f"{folder}/", destination],
             what=f"copying the manifest to {destination}")


def publish_rsync(target: RsyncTarget, result: BuildResult, *, dry_run: bool,
                  log: Callable[[str], None]) -> PublishReport:
    """Copy the files the build wrote to the destination and delete hubgen's stale files
    there."""
    rsync = find_tool("rsync", "install it (apt-get install rsync, brew install rsync) or "
                               "choose another publish target.")
    output = result.output.resolve()
    remote = is_remote(target.destination)
    # A dry run builds into a folder of its own: the destination is checked against the
    # output folder the publish it stands for builds into.
    here = None if remote else local_destination(
        target, result.config, result.config.resolve(result.config.output))
    destination = target.destination if here is None else f"{here}/"
    if any(set(p) & {"\n", "\r"} for p in result.outputs):
        raise PublishError("cannot publish a file whose name holds a line break with rsync; "
                           "rename it")
    report = PublishReport(target.name, target.kind)
    with tempfile.TemporaryDirectory(prefix="hubgen-publish-") as temporary:
        workdir = Path(temporary)
        listed = write_file_list(result.outputs, workdir)
        previous = read_manifest(here) if here is not None else \
            _remote_manifest(rsync, destination, target.options, workdir)
        stale = stale_files(previous, result.outputs)
        new = set(result.outputs) - previous
        standing = _standing_here(here) if here is not None else \
            _standing_there(rsync, destination, target.options)
        making_way = _making_way(result.outputs, stale, standing)
        foreign = _in_the_way(result.outputs, previous, standing) - making_way
        # Before rsync compares: a folder in the way of a file fails its dry run.
        _refuse_to_replace(sorted(foreign), destination)

        def delete(files: list[str]) -> list[str]:
            if here is not None:
                return _delete_here(here, files, dry_run)
            return delete_with_rsync(rsync, output, destination, files, target.options,
                                     dry_run, workdir)

        if dry_run or new:
            # Only a name no publish wrote can be a file of someone else's: a dry run
            # first says which of those the site would replace.
            planned = run_tool(copy_command(rsync, output, destination, target.options, True,
                                            files_from=listed, making_way=bool(making_way)),
                               what=f"comparing the site with {destination}")
            report.added, report.updated, _ = _parse(planned.stdout)
            foreign |= set(report.updated) - previous
        _refuse_to_replace(sorted(foreign), destination)
        cleared: list[str] = []
        if not dry_run and making_way:
            cleared = delete(sorted(name for name in stale
                                    if any(name.startswith(folder + "/")
                                           for folder in making_way)))
        if not dry_run and new:
            # Listed before they are copied: a publish stopped halfway leaves no file of
            # hubgen's that the next one takes for someone else's, or cannot delete.
            if here is not None:
                here.mkdir(parents=True, exist_ok=True)
            _send_manifest(rsync, previous | set(result.outputs), destination, target.options,
                           workdir)
        if not dry_run:
            log(f"Copying {output}/ to {destination}")
            copied = run_tool(copy_command(rsync, output, destination, target.options, False,
                                           files_from=listed),
                              what=f"copying the site to {destination}")
            report.added, report.updated, _ = _parse(copied.stdout)
        report.removed = cleared + delete(sorted(set(stale) - set(cleared)))
        if not dry_run:
            run_tool([rsync, "-a", *target.options, str(output / MANIFEST_NAME),
                      inside(destination, MANIFEST_NAME)],
                     what=f"copying the manifest to {destination}")
    report.detail = f"{destination} is in step with {output}/" if not dry_run else (
        f"publishing would bring {destination} in step with the site as built now; nothing "
        "was changed there")
    return report
