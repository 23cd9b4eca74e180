"""The render stage: every route of the plan to its bytes, reusing, in parallel, streamed.

A route whose fingerprint matches the cache's is not rendered again: serve takes
the bytes it kept, `hubgen build` leaves the file in the output folder alone when
it is still the one the last build wrote. The rest are rendered, on the build's
workers when there are many, and each file goes straight to the staged output,
so a big site never sits in memory whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hubgen.build.cache import BuildCache, CachedOutput, collector_paused
from hubgen.build.fingerprints import Fingerprints, digest
from hubgen.build.output import StagedOutput
from hubgen.build.workers import map_unordered
from hubgen.errors import Diagnostic, Diagnostics, RenderError
from hubgen.plan import Route, SitePlan

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
    data: bytes | None = None       # the bytes, when the build keeps files in memory
    problem: Diagnostic | None = None


@dataclass
class RenderOutcome:
    """What the render stage made."""

    files: dict[str, bytes] = field(default_factory=dict)   # when files are kept in memory
    staged: list[str] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    # (output, template, seconds) of every route rendered by this build
    costs: list[tuple[str, str, float]] = field(default_factory=list)


def _static_fingerprint(route: Route) -> str:
    assert route.source is not None
    stat = route.source.stat()
    return digest("static", route.path, str(route.source), stat.st_mtime_ns, stat.st_size)


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
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
        try:
            data = self.renderer.render(route)
        except RenderError as exc:
            return RenderedRoute(time.perf_counter() - started, problem=exc.diagnostic)
        used = tuple((p, assets.digest(p)) for p in sorted(assets.used))
        if self.stage is None:
            return RenderedRoute(time.perf_counter() - started, used, data=data)
        staged = self.stage.put(route.output, data)
        return RenderedRoute(time.perf_counter() - started, used, staged=staged)


def render_routes(make_renderer: Callable[[], Renderer], plan: SitePlan,
                  diagnostics: Diagnostics, *, stage: StagedOutput | None = None,
                  jobs: int = 1, progress: RenderProgress | None = None,
                  cache: BuildCache | None = None, fingerprints: Fingerprints | None = None,
                  site_key: str = "") -> RenderOutcome:
    """Render every route that needs it: into `stage` when given, else into memory.

    The renderer is made only if something is to be rendered or checked. When
    `site_key` (see fingerprints.site_key) is the cache's, no route's fingerprint
    changed and none is computed. Each distinct template problem is recorded once.
    The cache's outputs are replaced by this build's when it has no error.
    """
    made: list[Renderer] = []

    def renderer() -> Renderer:
        if not made:
            made.append(make_renderer())
        return made[0]

    outcome = RenderOutcome()
    kept: dict[str, CachedOutput] = {}
    pending: list[Route] = []

    known: dict[str, str] = {}

    def fingerprint_of(route: Route) -> str:
        assert fingerprints is not None
        if route.output not in known:
            if route.kind == "static":
                known[route.output] = _static_fingerprint(route)
            elif route.kind == "sitemap":
                # The sitemap lists every route: the site key covers all of them.
                known[route.output] = digest("sitemap", site_key)
            else:
                known[route.output] = fingerprints.route(route)
        return known[route.output]

    def cacheable(route: Route) -> bool:
        return fingerprints is not None and (route.kind != "sitemap" or bool(site_key))

    # With nothing to reuse, every route goes to the workers at once, and their
    # fingerprints are taken while they render.
    empty = cache is None or fingerprints is None or not cache.outputs
    unchanged = bool(site_key) and cache is not None and cache.site_key == site_key
    with collector_paused():
        for route in plan.routes:
            if empty or not cacheable(route):
                if route.kind == "static" and fingerprints is not None:
                    fingerprint_of(route)   # its file's stamp before a worker reads the bytes
                pending.append(route)
                continue
            assert cache is not None
            if unchanged:
                # Every input is what it was, so is every fingerprint (and every asset).
                entry = cache.outputs.get(route.output)
                if entry is not None:
                    known[route.output] = entry.fingerprint
            else:
                entry = cache.rendered(route.output, fingerprint_of(route),
                                       renderer().assets.digest)
            if entry is not None and stage is None and entry.data is not None:
                outcome.files[route.output] = entry.data
            elif entry is not None and stage is not None and entry.written is not None \
                    and entry.written == _file_stamp(stage.output / route.output):
                pass   # the output folder still holds what the last build wrote
            else:
                pending.append(route)
                continue
            kept[route.output] = entry
            outcome.reused += 1

    seen: set[tuple[str, int, str]] = set()
    total = len(plan.routes)
    if progress is not None and outcome.reused:
        progress(outcome.reused, total)
    # Nothing to render, nothing to make a renderer (and load Jinja) for.
    work = map_unordered(_RouteRenderer(renderer(), pending, stage), range(len(pending)), jobs) \
        if pending else iter([])
    with closing(work) if pending else nullcontext(work) as results:
        for index, result in results:
            route = pending[index]
            outcome.rendered += 1
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
            if cacheable(route):
                kept[route.output] = CachedOutput(fingerprint_of(route), result.assets,
                                                  result.data)
    if stage is None:
        outcome.files = {r.output: outcome.files[r.output] for r in plan.routes
                         if r.output in outcome.files}
    if cache is not None and not diagnostics.errors:
        cache.keep(kept, site_key)
        cache.rendered_count = outcome.rendered
    return outcome


def stamp_written(cache: BuildCache, output: Path) -> None:
    """Note, for the next build, the size and time of every file now in the output folder."""
    for name, entry in cache.outputs.items():
        stamp = _file_stamp(output / name)
        if stamp != entry.written:
            cache.outputs[name] = CachedOutput(entry.fingerprint, entry.assets, entry.data,
                                               stamp)
            cache.changed = True

