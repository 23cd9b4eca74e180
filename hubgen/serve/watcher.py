"""Watching the hub's sources with watchdog, ignoring editors' temporary files."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from hubgen.content.sources import VERSION_CONTROL, is_leftover

_IGNORED_FOLDERS = VERSION_CONTROL | {"__pycache__", "node_modules"}


class _ShutdownRaceFilter(logging.Filter):
    """Drops watchdog's complaint that an event came while its thread was stopping: a race
    in watchdog's own shutdown, harmless, which would print a line under "Stopped."."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


_SHUTDOWN_RACE = _ShutdownRaceFilter()

# watchdog warns when a folder that left a watched tree comes back into it (git stash, a
# branch switch): it watches it again, as it should, and says so at length.
warnings.filterwarnings("ignore", message="Callback with id .* already exists",
                        category=RuntimeWarning, module="watchdog")


def is_editor_leftover(path: str | Path) -> bool:
    """True for files no one means as a change: swap, backup, lock and temp files."""
    path = Path(path)
    if any(part in _IGNORED_FOLDERS for part in path.parts):
        return True
    return is_leftover(path.name)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: SourceWatcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = {Path(str(event.src_path))}
        if getattr(event, "dest_path", ""):
            paths.add(Path(str(event.dest_path)))
        if event.is_directory:
            if event.event_type == "modified":
                return
            if event.event_type in ("deleted", "moved"):
                # A watched folder that went takes its watch with it, even if it comes back.
                self.watcher.forget(Path(str(event.src_path)))
            # A folder came or went (a first templates/, static/ moved away and back, a
            # theme's folder restored): what is watched follows, and what it holds counts
            # as changed.
            self.watcher.reschedule()
        changed = {p for p in paths if not is_editor_leftover(p) and (
            self.watcher.wanted(p) or (event.is_directory and self.watcher.holds(p)))}
        if changed:
            self.watcher.on_change(changed)


def make_observer(poll: bool) -> tuple[BaseObserver, bool]:
    """A native observer, or a polling one when asked or when native events fail.

    Returns the observer and whether it polls.
    """
    if poll:
        return PollingObserver(timeout=0.2), True
    return Observer(timeout=0.1), False


class SourceWatcher:
    """Watches source folders (recursively) and single files, under a hub's root.

    Only the sources are watched, never the output or the cache (a big hub's output
    holds thousands of folders: as many watches, or as many to poll). The folders
    that hold a source not yet there (a first `templates/`) are watched on their
    own, so it is seen when it comes; events for anything else are dropped.
    """

    def __init__(self, root: Path, folders: list[Path], files: list[Path],
                 on_change: Callable[[set[Path]], None], poll: bool = False,
                 excluded: list[Path] | None = None):
        self.root = root.resolve()
        self.on_change = on_change
        self.observer, self.polling = make_observer(poll)
        self._handler = _Handler(self)
        self._watches: dict[tuple[Path, bool], ObservedWatch] = {}
        self._lock = threading.RLock()
        self.follow(folders, files, excluded)

    def follow(self, folders: list[Path], files: list[Path],
               excluded: list[Path] | None = None) -> None:
        """Watch these folders and files from now on (the config named others)."""
        with self._lock:
            self.folders = [f.resolve() for f in folders]
            self.files = {f.resolve() for f in files}
            self.excluded = [e.resolve() for e in excluded or []]
            self.reschedule()

    def follows(self, folders: list[Path], files: list[Path],
                excluded: list[Path] | None = None) -> bool:
        """Whether these are the folders and files watched already."""
        with self._lock:
            return (self.folders == [f.resolve() for f in folders]
                    and self.files == {f.resolve() for f in files}
                    and self.excluded == [e.resolve() for e in excluded or []])

    def wanted(self, path: Path) -> bool:
        """True for a path among the sources (and not in the output or the cache)."""
        try:
            # The entry itself (a symlink made in templates/ is a change there) and where
            # it leads.
            places = {path.parent.resolve() / path.name, path.resolve()}
        except OSError:
            return False
        if any(p.is_relative_to(e) for p in places for e in self.excluded):
            return False
        return any(p in self.files or any(p.is_relative_to(f) for f in self.folders)
                   for p in places)

    def holds(self, path: Path) -> bool:
        """True for a folder that holds a source folder or file (a theme's folder)."""
        try:
            path = path.resolve()
        except OSError:
            return False
        return any(f.is_relative_to(path) for f in [*self.folders, *self.files])

    def forget(self, folder: Path) -> None:
        """Drop the watches on a folder that went and on what it held."""
        with self._lock:
            for point in [p for p in self._watches if p[0].is_relative_to(folder.resolve())]:
                with suppress(KeyError):
                    self.observer.unschedule(self._watches.pop(point))

    def _watch_points(self) -> set[tuple[Path, bool]]:
        """(folder, recursive) to watch: each source folder there is; the folders between
        each one and the root that are there (one not there yet is seen when it comes, a
        theme's folder moved away when it goes); outside the root, the nearest folder
        above one not there yet; the folders of the single files; and the root (or, while
        it is not there, the nearest folder above it)."""
        # The root itself gone (deleted, or a checkout moved away): the nearest folder
        # above it is watched, so its return is seen.
        points = {(next((p for p in [self.root, *self.root.parents] if p.is_dir()),
                        self.root), False)}
        for folder in self.folders:
            if folder.is_dir():
                points.add((folder, True))
            if folder.is_relative_to(self.root):
                points |= {(parent, False) for parent in folder.parents
                           if parent.is_relative_to(self.root) and parent.is_dir()}
            elif not folder.is_dir():
                nearest = next((p for p in folder.parents if p.is_dir()), None)
                if nearest is not None:
                    points.add((nearest, False))
        points |= {(f.parent, False) for f in self.files if f.parent.is_dir()}
        covered = [p for p, recursive in points if recursive]
        return {(p, r) for p, r in points
                if not any(p != c and p.is_relative_to(c) for c in covered)}

    def reschedule(self) -> None:
        """Watch what is there to watch now; stop watching what went."""
        with self._lock:
            wanted = self._watch_points()
            for point in [p for p in self._watches if p not in wanted]:
                with suppress(KeyError):   # the observer dropped it with its folder
                    self.observer.unschedule(self._watches.pop(point))
            for point in wanted - self._watches.keys():
                with suppress(OSError):   # gone again already
                    self._watches[point] = self.observer.schedule(
                        self._handler, str(point[0]), recursive=point[1])

    def start(self) -> None:
        """Start watching; falls back to polling where native events are unavailable."""
        try:
            self.observer.start()
        except OSError:
            # Native events are unavailable (inotify limits, some network drives): stop what
            # did start, then poll.
            self.observer.stop()
            with self._lock:
                self.observer, self.polling = make_observer(poll=True)
                self._watches = {}
                self.reschedule()
            self.observer.start()

    def stop(self) -> None:
        """Stop watching and join the observer's threads."""
        logging.getLogger("watchdog.observers.inotify").addFilter(_SHUTDOWN_RACE)
        self.observer.stop()
        self.observer.join(timeout=5)
