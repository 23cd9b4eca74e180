"""Rebuilding on change: debounce, build with the cache, publish a new snapshot."""

from __future__ import annotations

import dataclasses
import gc
import threading
import time
from collections.abc import Callable
from pathlib import Path

from hubgen.build import BuildOptions, build_site
from hubgen.build.cache import BuildCache
from hubgen.build.pipeline import config_to_start_with
from hubgen.build.workers import WorkStopped
from hubgen.config import Config
from hubgen.errors import Diagnostic, HubgenError, SourceErrors
from hubgen.serve.state import Change, SiteState, Snapshot

QUIET_PERIOD = 0.1  # seconds without a new event before a rebuild starts
IDLE_BEFORE_COLLECTING = 1.0   # seconds without a change before builds' garbage goes
COLLECT_AT_LEAST_EVERY = 20    # builds, for saves that never leave a second's pause

# Called with (errors, warnings, seconds, files rendered, worker processes that rendered
# them) after every build.
BuildReport = Callable[[list[Diagnostic], list[Diagnostic], float, int, int], None]


def changed_outputs(old: dict[str, bytes], new: dict[str, bytes]) -> tuple[str, ...]:
    """Output files added, removed or with other bytes."""
    names = old.keys() | new.keys()
    return tuple(sorted(n for n in names if old.get(n) != new.get(n)))


def _as_diagnostic(exc: HubgenError | OSError) -> Diagnostic:
    if isinstance(exc, OSError):
        where = Path(exc.filename) if exc.filename else None
        return Diagnostic(where, 0, 0, f"cannot read a file: {exc.strerror or exc}",
                          "the file may have moved while the hub was rebuilt; save it again.")
    return Diagnostic(None, 0, 0, str(exc), "fix it and save: the server rebuilds by itself.")


def _published_stylesheet(path: Path, root: Path) -> bool:
    """A stylesheet the site serves as it is (static/, a theme's, a bundle's), which a page
    can swap in place; not one a template includes, which changes the pages' HTML."""
    root = root.resolve()
    parts = path.relative_to(root).parts if path.is_relative_to(root) else path.parts
    return path.suffix == ".css" and "templates" not in parts


class Rebuilder:
    """Runs builds one at a time; changes during a build coalesce into one follow-up."""

    def __init__(self, options: BuildOptions, state: SiteState,
                 report: BuildReport | None = None, quiet_period: float = QUIET_PERIOD,
                 on_config: Callable[[Config], None] | None = None):
        self.options = options
        self.state = state
        self.report = report
        self.on_config = on_config   # told the config of every good build (what to watch)
        self.quiet_period = quiet_period
        self.cache = BuildCache()
        self.builds = 0
        self.collections = 0   # full collections of builds' garbage (see _next_build)
        self._uncollected = 0   # builds since the last full collection
        self._pending: set[Path] = set()
        self._last_event = 0.0
        self._condition = threading.Condition()
        self._stopping = False
        self._call_off = threading.Event()   # calls off the build in progress
        self._thread = threading.Thread(target=self._loop, name="hubgen-rebuild", daemon=True)

    def notify(self, paths: set[Path]) -> None:
        """Record changed paths (from the watcher's thread)."""
        with self._condition:
            self._pending |= paths
            self._last_event = time.monotonic()
            self._condition.notify_all()

    def build(self, changed: set[Path] | None = None) -> Snapshot:
        """Build now and publish the result (the last good site stays when it fails).

        Work enough for several processes (a template edited, say) goes to the options'
        workers, forked from this thread while the server's threads go on (see
        hubgen.build.workers). A build that `stop()` calls off publishes nothing.
        """
        started = time.perf_counter()
        begun = time.monotonic()
        previous = self.state.snapshot
        self.builds += 1
        workers = 0
        config: Config | None = None
        # The cache holds the whole site as objects; a full collection in the middle of a
        # rebuild costs more than the rebuild. Collect after publishing instead.
        gc.disable()
        try:
            result = build_site(self.options, cache=self.cache, write=False,
                                stop=self._call_off)
        except WorkStopped:
            gc.enable()
            return previous
        except (SourceErrors, HubgenError, OSError) as exc:
            # Whatever goes wrong, the server keeps the last good site and says why; a
            # config moved away for a moment (a git checkout) must not end the rebuilds.
            gc.enable()
            if self._changed_since(begun):
                # A file changed while it was read, most likely half-saved (an editor that
                # truncates, then writes): the next build reads it whole. Showing this
                # failure would reload every tab into an error that is already gone.
                return previous
            found = exc.diagnostics if isinstance(exc, SourceErrors) else [_as_diagnostic(exc)]
            errors = tuple(d for d in found if d.is_error)
            warnings = tuple(d for d in found if not d.is_error)
            change = Change(previous.epoch + 1, errors_changed=errors != previous.errors)
            snapshot = dataclasses.replace(previous, epoch=change.epoch, errors=errors,
                                           warnings=warnings, last_change=change)
            # What the config names is watched even so: serve may have started with
            # defaults standing in for a config it could not read, theme and all.
            config = _config_as_it_reads(self.options)
        except BaseException:
            gc.enable()
            raise
        else:
            pages = changed_outputs(previous.files, result.files)
            css_only = bool(changed) and not previous.errors and all(
                _published_stylesheet(p, self.options.root) for p in changed or ())
            change = Change(previous.epoch + 1, pages, css_only, bool(previous.errors))
            snapshot = Snapshot(result.files, change.epoch, (), tuple(result.warnings), change,
                                base_path=result.config.base_path)
            workers = result.workers
            config = result.config
        # What the config names (a theme switched to) is watched before the new site is
        # out: an edit made as soon as it shows must not go unseen.
        if config is not None and self.on_config is not None:
            self.on_config(config)
        self.state.publish(snapshot)
        gc.enable()  # a second enable() after a failed build is harmless
        self._uncollected += 1
        if self.report is not None:
            self.report(list(snapshot.errors), list(snapshot.warnings),
                        time.perf_counter() - started, self.cache.rendered_count, workers)
        return snapshot

    def _changed_since(self, moment: float) -> bool:
        """Whether a change came after `moment`, or comes within the quiet period (the
        rest of a save whose first part a build has just read)."""
        with self._condition:
            return self._condition.wait_for(
                lambda: self._last_event > moment or self._stopping, self.quiet_period) \
                and not self._stopping

    def start(self) -> None:
        """Start the rebuild loop in its own thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the loop, call off a rebuild in progress, and join the thread."""
        self._call_off.set()
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread.is_alive():   # stopped during the first build, it never started
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            try:
                if not self._next_build():
                    return
            except Exception as exc:  # a bug must not end live reload: say it and go on
                previous = self.state.snapshot
                self.state.publish(dataclasses.replace(
                    previous, epoch=previous.epoch + 1,
                    errors=(Diagnostic(None, 0, 0, f"hubgen failed while rebuilding: {exc!r}",
                                       "this is a bug in hubgen; please report it."),),
                    warnings=(), last_change=Change(previous.epoch + 1, errors_changed=True)))

    def _next_build(self) -> bool:
        """Wait for changes, debounce, build once; False when stopping. Once idle for a
        second after a build (or every 20 builds), collect builds' garbage instead."""
        with self._condition:
            collect = self._uncollected >= COLLECT_AT_LEAST_EVERY or (
                self._uncollected > 0 and not self._condition.wait_for(
                    lambda: self._pending or self._stopping, IDLE_BEFORE_COLLECTING))
        if collect:
            # A build hands every object it set aside from the collector back at its end
            # (hubgen.build.collector), into the oldest generation, garbage cycles
            # included; on a big heap Python seldom walks it by itself, and a long
            # session's memory grew by every save. Collected once the browsers have
            # reloaded, not while they ask for the new pages.
            self._uncollected = 0
            gc.collect()
            self.collections += 1
            return True
        with self._condition:
            self._condition.wait_for(lambda: self._pending or self._stopping)
            if self._stopping:
                return False
            # Debounce: wait until events stop for the quiet period.
            while not self._stopping:
                quiet = time.monotonic() - self._last_event
                if quiet >= self.quiet_period:
                    break
                self._condition.wait(timeout=self.quiet_period - quiet)
            if self._stopping:
                return False
            changed, self._pending = self._pending, set()
        self.build(changed)
        return True


def _config_as_it_reads(options: BuildOptions) -> Config | None:
    """The options' config as far as it can be read (defaults standing in for its mistakes),
    or None when there is none to read."""
    try:
        return config_to_start_with(options)
    except (HubgenError, OSError):
        return None
