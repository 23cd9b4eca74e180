"""The build's progress bar: on a terminal only, and only once a build has run a second."""

from __future__ import annotations

import os
import sys
import time
from typing import Any

STAGE_WORDS = {"read": "reading", "render": "rendering"}


def wants_progress(quiet: bool) -> bool:
    """A bar is for a person at a terminal: not with --quiet, not in CI, not into a file,
    not on a terminal that cannot redraw a line (TERM=dumb)."""
    return not quiet and _on_a_terminal() and not os.environ.get("CI") \
        and os.environ.get("TERM") != "dumb"


def wants_color() -> bool:
    """Colours are for a terminal that shows them: not into a file, not on a dumb
    terminal, not when the user set NO_COLOR (no-color.org)."""
    return _on_a_terminal() and not os.environ.get("NO_COLOR") \
        and os.environ.get("TERM") != "dumb"


def _on_a_terminal() -> bool:
    # None: stderr was closed when the command started (a script's '2>&-').
    return sys.stderr is not None and sys.stderr.isatty()


class BuildProgress:
    """Called as progress(stage, done, total); draws a bar with the pages per second."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        # How long a build runs before the bar appears; tests set it to 0.
        self.delay = float(os.environ.get("HUBGEN_PROGRESS_DELAY", "1"))
        self.started = time.perf_counter()
        self.bar: Any = None
        self.tasks: dict[str, tuple[Any, float, int]] = {}  # stage → (task, since, done)
        self.drawn = 0.0   # when the bar was last drawn

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.perf_counter() - self.started < self.delay:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )
            self.bar = Progress(TextColumn("{task.description:>9}"), BarColumn(),
                                MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True,
                                # No drawing thread, nothing redirected: workers are forked
                                # while the bar shows, and a fork copies a thread's locks.
                                auto_refresh=False, redirect_stdout=False,
                                redirect_stderr=False)
            self.bar.start()
        if stage not in self.tasks:
            task = self.bar.add_task(STAGE_WORDS.get(stage, stage), total=total, rate="")
            self.tasks[stage] = (task, time.perf_counter(), done)
        task, since, first = self.tasks[stage]
        elapsed = time.perf_counter() - since
        unit = "pages/s" if stage == "render" else "files/s"
        # A rate over the first fifth of a second is mostly noise; a stage's last frame
        # shows its rate however quickly the stage ran.
        shown = elapsed > 0.2 or (done == total and done > first and elapsed > 0)
        rate = f"{(done - first) / elapsed:,.0f} {unit}" if shown else ""
        self.bar.update(task, completed=done, total=total, rate=rate)
        now = time.perf_counter()
        if now - self.drawn >= 0.1 or done == total:
            self.bar.refresh()
            self.drawn = now

    def stop(self) -> None:
        """Take the bar off the terminal."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
