"""The render stage: every route of the plan to its bytes, reusing, in parallel, streamed.

A route whose fingerprint matches the cache's is not rendered again: serve takes
the bytes it kept, `hubgen build` leaves the file in the output folder alone when
it is still the one the last build wrote. The rest are rendered, on the build's
workers when there are many, and each file goes straight to the staged output,
so a big site never sits in memory whole.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from contextlib import closing, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from hubgen.build.cache import BuildCache, CachedOutput
from hubgen.build.collector import collector_paused
from hubgen.build.fingerprints import Fingerprints, digest
from hubgen.build.hashing import stat_stamp
from hubgen.build.output import StagedOutput
from hubgen.build.workers import map_unordered
from hubgen.errors import Diagnostic, Diagnostics, RenderError
from hubgen.plan import Route, SitePlan
from hubgen.plan.pagination import Pager
from hubgen.render.assets import AssetDigests

if TYPE_CHECKING:
    from hubgen.render import Renderer

# Called as progress(done, total) while routes render.
RenderProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderedRoute:
    """What rendering one route gave (in whichever process rendered it)."""

    seconds: float
    assets: tuple[tuple[str, str], ...] = ()
    staged: bool = False            # written to the staging folder: it differs from the output
    # The staged file's (size, mtime_ns), which it keeps once moved into the output folder
    written: tuple[int, int] | None = None
    data: bytes | None = None       # the bytes, when the build keeps files in memory
    problem: Diagnostic | None = None
    pid: int = 0                    # the process that rendered it
    lists: frozenset[str] = frozenset()   # the site's lists it read (Renderer.lists_read)


@dataclass
class RenderOutcome:
    """What the render stage made."""

    files: dict[str, bytes] = field(default_factory=dict)   # when files are kept in memory
    staged: list[str] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    workers: int = 0    # worker processes that rendered (0: all in the build's own)
    # (output, template, seconds) of every route rendered by this build
    costs: list[tuple[str, str, float]] = field(default_factory=list)


def _static_fingerprint(route: Route) -> str:
    assert route.source is not None
    return digest("static", route.path, str(route.source), stat_stamp(route.source.stat()))


def _file_stamp(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


class _RouteRenderer:
    """Renders one route by its index; runs in the build process or in a worker."""

    def __init__(self, renderer: Renderer, routes: list[Route], stage: StagedOutput | None):
        self.renderer = renderer
        self.routes = routes
        self.stage = stage

    def __call__(self, index: int) -> RenderedRoute:
        route = self.routes[index]
        assets = self.renderer.assets
        started = time.perf_counter()
        assets.used.clear()
        pid = os.getpid()
        try:
            data = self.renderer.render(route)
        except RenderError as exc:
            return RenderedRoute(time.perf_counter() - started, problem=exc.diagnostic, pid=pid)
        used = tuple((p, assets.digest(p)) for p in sorted(assets.used))
        lists = self.renderer.lists_read
        if self.stage is None:
            return RenderedRoute(time.perf_counter() - started, used, data=data, pid=pid,
                                 lists=lists)
        written = self.stage.put(route.output, data)
        return RenderedRoute(time.perf_counter() - started, used, staged=written is not None,
                             written=written, pid=pid, lists=lists)


class _RouteFingerprints:
    """The fingerprints of this build's routes, each made once, with the items it read."""

    def __init__(self, fingerprints: Fingerprints, frame_key: str, changed: set[str] | None):
        self.fingerprints = fingerprints
        self.frame_key = frame_key
        self.changed = changed   # items changed since the cache's outputs; None: more did
        self.known: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def cacheable(self, route: Route) -> bool:
        """Whether the route's output can be kept for the next build."""
        return route.kind != "sitemap" or bool(self.frame_key)

    def of(self, route: Route) -> tuple[str, tuple[str, ...] | None]:
        """The route's fingerprint and the items it read."""
        if route.output not in self.known:
            if route.kind == "static":
                self.known[route.output] = (_static_fingerprint(route), ())
            elif route.kind == "sitemap":
                # It lists every route, all of which the frame holds.
                self.known[route.output] = (digest("sitemap", self.frame_key), ())
            else:
                self.known[route.output] = self.fingerprints.route_with_items(route)
        return self.known[route.output]

    def still(self, route: Route, entry: CachedOutput) -> bool:
        """Whether `entry` was made under this route's fingerprint, known without making
        it: the frame is the same and none of the items it read changed (assets are
        static files, in the frame too)."""
        if self.changed is None or entry.items is None or \
                not self.changed.isdisjoint(entry.items):
            return False
        self.known[route.output] = (entry.fingerprint, entry.items)
        return True

    def reusable(self, route: Route, entry: CachedOutput | None,
                 asset_digest: Callable[[str], str], cache: BuildCache) -> CachedOutput | None:
        """`entry`, if it still holds the route's output: made under its fingerprint, from
        the same assets, and from lists that still show the same texts, if it read any."""
        if entry is None or not self.still(route, entry):
            entry = cache.rendered(route.output, self.of(route)[0], asset_digest)
        if entry is None or not self.fingerprints.lists_unchanged(entry.lists):
            return None
        return entry


def render_routes(make_renderer: Callable[[AssetDigests], Renderer], plan: SitePlan,
                  diagnostics: Diagnostics, *, stage: StagedOutput | None = None,
                  jobs: int = 1, progress: RenderProgress | None = None,
                  cache: BuildCache | None = None, fingerprints: Fingerprints | None = None,
                  frame_key: str = "", item_hashes: dict[str, str] | None = None,
                  stop: threading.Event | None = None) -> RenderOutcome:
    """Render every route that needs it: into `stage` when given, else into memory.

    The renderer is made only if something is to be rendered or checked. When the
    frame (see fingerprints.frame_key) is the cache's, only the fingerprints that
    read a changed item are made again. Each distinct template problem is recorded
    once. The cache's outputs are replaced by this build's when it has no error.
    Setting `stop` from another thread ends the workers' rendering (WorkStopped).
    """
    # Read before a renderer is made (that would load Jinja), and handed to it, so that the
    # pages checked and the pages rendered link each static file under one digest.
    digests = AssetDigests.of_plan(plan)
    made: list[Renderer] = []

    def renderer() -> Renderer:
        if not made:
            made.append(make_renderer(digests))
        return made[0]

    outcome = RenderOutcome()
    kept: dict[str, CachedOutput] = {}
    pending: list[Route] = []
    prints = None if fingerprints is None else _RouteFingerprints(
        fingerprints, frame_key,
        cache.changed_items(frame_key, item_hashes) if cache is not None else None)

    # With nothing to reuse, every route goes to the workers at once, and their
    # fingerprints are taken while they render.
    empty = cache is None or prints is None or not cache.outputs
    output = str(stage.output) if stage is not None else ""
    with collector_paused():
        for route in plan.routes:
            if empty or not prints.cacheable(route):
                if route.kind == "static" and prints is not None:
                    prints.of(route)   # its file's stamp before a worker reads the bytes
                pending.append(route)
                continue
            assert cache is not None
            entry = prints.reusable(route, cache.outputs.get(route.output), digests, cache)
            if entry is not None and stage is None and entry.data is not None:
                outcome.files[route.output] = entry.data
            elif entry is not None and stage is not None and entry.written is not None \
                    and entry.written == _file_stamp(os.path.join(output, route.output)):
                pass   # the output folder still holds what the last build wrote
            else:
                pending.append(route)
                continue
            items = prints.of(route)[1]
            kept[route.output] = entry if entry.items == items else replace(entry, items=items)
            outcome.reused += 1

    seen: set[tuple[str, int, str]] = set()
    processes: set[int] = set()
    total = len(plan.routes)
    if progress is not None:   # the stage starts: its rate counts from here
        progress(outcome.reused, total)
    pending = _listings_by_newest_item(pending)
    if pending:   # nothing to render, nothing to make a renderer (and load Jinja) for
        renderer().prepare(pending)
    work = map_unordered(_RouteRenderer(renderer(), pending, stage), range(len(pending)), jobs,
                         spread=False, stop=stop) if pending else iter([])
    with closing(work) if pending else nullcontext(work) as results:
        for index, result in results:
            route = pending[index]
            outcome.rendered += 1
            processes.add(result.pid)
            outcome.costs.append((route.output, route.template or route.kind, result.seconds))
            if progress is not None:
                progress(outcome.reused + outcome.rendered, total)
            if result.problem is not None:
                problem = result.problem
                key = (str(problem.path), problem.line, problem.message)
                if key not in seen:
                    seen.add(key)
                    diagnostics.add(problem)
                continue
            if result.data is not None:
                outcome.files[route.output] = result.data
            if result.staged:
                outcome.staged.append(route.output)
            if prints is not None and prints.cacheable(route):
                fingerprint, items = prints.of(route)
                kept[route.output] = CachedOutput(
                    fingerprint, result.assets, result.data, written=result.written,
                    items=items, lists=prints.fingerprints.lists_read(result.lists, items))
    outcome.workers = len(processes - {os.getpid()})
    if stage is None:
        outcome.files = {r.output: outcome.files[r.output] for r in plan.routes
                         if r.output in outcome.files}
    if cache is not None and not diagnostics.errors:
        cache.keep(kept, frame_key, item_hashes)
        cache.rendered_count = outcome.rendered
    return outcome


def _listings_by_newest_item(routes: list[Route]) -> list[Route]:
    """The routes, the listings (pages of a pager) last and by their newest item, newest first.

    A post's card shows on the home page, on its tags' pages and on its author's: in
    this order those pages come close together, and a worker finds most of the cards
    a listing shows among the last ones it made (see Renderer.card).
    """
    others: list[Route] = []
    listings: list[Route] = []
    for route in routes:
        (listings if isinstance(route.context.get("pager"), Pager) else others).append(route)
    listings.sort(key=lambda route: route.lastmod.timestamp() if route.lastmod else 0.0,
                  reverse=True)
    return others + listings


def stamp_written(cache: BuildCache, output: Path) -> None:
    """Note, for the next build, the size and time of the output files it has none for.

    A file this build staged has the stamp taken as it was written (moving it into
    place keeps it); one it reused was checked to still have its own; one rendered
    again to the same bytes was left alone, and is looked at here.
    """
    folder = str(output)
    for name, entry in list(cache.outputs.items()):
        if entry.written is None:
            stamp = _file_stamp(os.path.join(folder, name))
            if stamp is not None:
                cache.outputs[name] = replace(entry, written=stamp)
                cache.changed = True
