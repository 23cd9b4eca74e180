"""The site as the server sees it: the last good build, its epoch, and the current errors."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from hubgen.errors import Diagnostic


@dataclass(frozen=True)
class Change:
    """What one rebuild changed, as the browser needs to know it."""

    epoch: int
    pages: tuple[str, ...] = ()          # output files whose bytes changed or vanished
    css_only: bool = False               # only stylesheets changed: swap them, do not reload
    errors_changed: bool = False         # the error overlay appears, changes or goes


@dataclass(frozen=True)
class Snapshot:
    """One finished site: served whole, never half-written."""

    files: dict[str, bytes]
    epoch: int = 0
    errors: tuple[Diagnostic, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    last_change: Change = field(default_factory=lambda: Change(0))
    base_path: str = "/"          # where the site is served: the url's path, as built
    built: bool = True            # False until a first build succeeds: nothing to show yet


def first_epoch() -> int:
    """Where a server's epochs start: the time in milliseconds, so that a page from an
    earlier server (of a few hundred builds at most) is always behind, and reloads to
    catch up with what changed while no server ran."""
    return time.time_ns() // 1_000_000


class SiteState:
    """Holds the current snapshot; lets readers wait for a newer epoch."""

    def __init__(self, base_path: str = "/") -> None:
        epoch = first_epoch()
        self._snapshot = Snapshot(files={}, epoch=epoch, last_change=Change(epoch),
                                  base_path=base_path, built=False)
        self._condition = threading.Condition()
        self.closed = False

    @property
    def snapshot(self) -> Snapshot:
        """The current snapshot (a consistent whole; safe to use without the lock)."""
        return self._snapshot

    def publish(self, snapshot: Snapshot) -> None:
        """Swap in a new snapshot and wake everyone waiting for it."""
        with self._condition:
            self._snapshot = snapshot
            self._condition.notify_all()

    def wait_newer(self, epoch: int, timeout: float) -> Snapshot:
        """Block until the epoch is past `epoch` (or the timeout, or closing)."""
        with self._condition:
            self._condition.wait_for(lambda: self._snapshot.epoch > epoch or self.closed,
                                     timeout=timeout)
            return self._snapshot

    def close(self) -> None:
        """Release every waiter (the server is stopping)."""
        with self._condition:
            self.closed = True
            self._condition.notify_all()
