"""Watching the hub's sources with watchdog, ignoring editors' temporary files."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

# Vim swap and backup files, Emacs lock and autosave files, Vim's "4913" write
# test, and the temporary files editors and downloaders write before a rename.
_EDITOR_LEFTOVER = re.compile(
    r"(\.sw[a-p]|~|\.tmp|\.temp|\.part|\.crdownload|\.bak|\.orig|\.kate-swp)$"
    r"|^(\.#.*|#.*#|4913|\.DS_Store|Thumbs\.db|\.~lock\..*|\.goutputstream-.*)$"
    r"|^\..*\.hubgen-tmp$")
_IGNORED_FOLDERS = {".git", ".hg", ".svn", "__pycache__", "node_modules"}


class _ShutdownRaceFilter(logging.Filter):
    """Drops watchdog's complaint that an event came while its thread was stopping: a race
    in watchdog's own shutdown, harmless, which would print a line under "Stopped."."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


_SHUTDOWN_RACE = _ShutdownRaceFilter()


def is_editor_leftover(path: str | Path) -> bool:
    """True for files no one means as a change: swap, backup, lock and temp files."""
    path = Path(path)
    if any(part in _IGNORED_FOLDERS for part in path.parts):
        return True
    return bool(_EDITOR_LEFTOVER.search(path.name))


class _Handler(FileSystemEventHandler):
    def __init__(self, on_change: Callable[[set[Path]], None],
                 wanted: Callable[[Path], bool]):
        self.on_change = on_change
        self.wanted = wanted

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = {Path(str(event.src_path))}
        if getattr(event, "dest_path", ""):
            paths.add(Path(str(event.dest_path)))
        if event.is_directory and event.event_type == "modified":
            return
        changed = {p for p in paths if not is_editor_leftover(p) and self.wanted(p)}
        if changed:
            self.on_change(changed)


def make_observer(poll: bool) -> tuple[BaseObserver, bool]:
    """A native observer, or a polling one when asked or when native events fail.

    Returns the observer and whether it polls.
    """
    if poll:
        return PollingObserver(timeout=0.2), True
    return Observer(timeout=0.1), False


class SourceWatcher:
    """Watches source folders (recursively) and single files, under a hub's root.

    The root is watched as a whole, so a folder created after the start (a first
    `templates/`) is seen; events outside the wanted folders and files are dropped.
    """

    def __init__(self, root: Path, folders: list[Path], files: list[Path],
                 on_change: Callable[[set[Path]], None], poll: bool = False,
                 excluded: list[Path] | None = None):
        self.root = root.resolve()
        self.folders = [f.resolve() for f in folders]
        self.files = {f.resolve() for f in files}
        self.excluded = [e.resolve() for e in excluded or []]
        self.on_change = on_change
        self.observer, self.polling = make_observer(poll)
        self._schedule()

    def _wanted(self, path: Path) -> bool:
        try:
            path = path.resolve()
        except OSError:
            return False
        if any(path.is_relative_to(e) for e in self.excluded):
            return False
        return path in self.files or any(path.is_relative_to(f) for f in self.folders)

    def _schedule(self) -> None:
        handler = _Handler(self.on_change, self._wanted)
        self.observer.schedule(handler, str(self.root), recursive=True)
        # Themes installed with hubgen live outside the hub.
        outside = {f for f in self.folders if not f.is_relative_to(self.root) and f.is_dir()}
        for folder in outside:
            self.observer.schedule(handler, str(folder), recursive=True)
        for parent in {f.parent for f in self.files}:
            if not parent.is_relative_to(self.root) and \
                    all(not parent.is_relative_to(f) for f in outside):
                self.observer.schedule(handler, str(parent), recursive=False)

    def start(self) -> None:
        """Start watching; falls back to polling where native events are unavailable."""
        try:
            self.observer.start()
        except OSError:
            # Native events are unavailable (inotify limits, some network drives): stop what
            # did start, then poll.
            self.observer.stop()
            self.observer, self.polling = make_observer(poll=True)
            self._schedule()
            self.observer.start()

    def stop(self) -> None:
        """Stop watching and join the observer's threads."""
        logging.getLogger("watchdog.observers.inotify").addFilter(_SHUTDOWN_RACE)
        self.observer.stop()
        self.observer.join(timeout=5)
