"""The build, read as the pipeline: config → read → library → plan → render → write."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hubgen.build.cache import BuildCache, CachedOutput
from hubgen.build.fingerprints import Fingerprints, digest, site_signature
from hubgen.build.output import WriteReport, check_output_folder, write_output
from hubgen.comments import plan_comments, read_site_comments
from hubgen.config import Config, find_config, load_config
from hubgen.content.sources import read_sources
from hubgen.content.themes import Theme, theme_chain
from hubgen.errors import Diagnostic, Diagnostics, SourceErrors
from hubgen.library import Library, build_library
from hubgen.plan import Route, SitePlan, Urls, plan_site
from hubgen.render import Renderer
from hubgen.render.renderer import RenderError

# Called as progress(done, total) while routes render.
ProgressHook = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked of one build."""

    root: Path = Path(".")
    config_file: Path | None = None
    output: Path | None = None
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    strict: bool = False
    now: datetime | None = None   # the moment that decides what is "future"; default: now


@dataclass
class BuildResult:
    """What a build made, and what it cost."""

    config: Config
    library: Library
    plan: SitePlan
    output: Path
    report: WriteReport
    warnings: list[Diagnostic]
    timings: dict[str, float] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)   # output path → bytes

    @property
    def page_count(self) -> int:
        """How many files the site has."""
        return len(self.plan.routes)


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started


def load_site_config(options: BuildOptions) -> tuple[Config, list[Diagnostic]]:
    """Find and load the config the options name, with `--base-url` applied."""
    path = find_config(options.root, options.config_file)
    overrides = {"url": options.base_url} if options.base_url else None
    return load_config(path, overrides=overrides, strict=options.strict)


def _templates_version(config: Config, themes: list[Theme]) -> str:
    """A hash of every template the site can use: a change re-renders the pages."""
    folders = [config.root / "templates", *(t.templates for t in themes)]
    entries = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    entries.append((str(path), path.read_bytes()))
    return digest(entries)


def _static_fingerprint(route: Route) -> str:
    assert route.source is not None
    stat = route.source.stat()
    return digest("static", route.path, str(route.source), stat.st_mtime_ns, stat.st_size)


def render_routes(renderer: Renderer, plan: SitePlan, diagnostics: Diagnostics,
                  progress: ProgressHook | None = None, cache: BuildCache | None = None,
                  fingerprints: Fingerprints | None = None) -> dict[str, bytes]:
    """Render every route (reusing the cache's bytes for unchanged ones).

    Each distinct template problem is recorded once.
    """
    files: dict[str, bytes] = {}
    kept: dict[str, CachedOutput] = {}
    seen: set[tuple[str, int, str]] = set()
    assets = renderer.assets
    total = len(plan.routes)
    for done, route in enumerate(plan.routes, start=1):
        fingerprint = ""
        entry = None
        if cache is not None and fingerprints is not None and route.kind != "sitemap":
            fingerprint = _static_fingerprint(route) if route.kind == "static" \
                else fingerprints.route(route)
            entry = cache.rendered(route.output, fingerprint, assets.digest)
        if entry is None:
            assets.used.clear()
            try:
                data = renderer.render(route)
            except RenderError as exc:
                problem = exc.diagnostic
                key = (str(problem.path), problem.line, problem.message)
                if key not in seen:
                    seen.add(key)
                    diagnostics.add(problem)
                continue
            entry = CachedOutput(fingerprint, data,
                                 tuple((p, assets.digest(p)) for p in sorted(assets.used)))
            if cache is not None:
                cache.rendered_count += 1
        files[route.output] = entry.data
        kept[route.output] = entry
        if progress is not None:
            progress(done, total)
    if cache is not None and not diagnostics.errors:
        cache.keep(kept)
    return files


def build_site(options: BuildOptions, progress: ProgressHook | None = None,
               cache: BuildCache | None = None, write: bool = True) -> BuildResult:
    """Build the hub the options describe; raises SourceErrors with every problem found.

    Nothing in the output folder changes unless the whole build succeeded. With
    a cache, unchanged sources are not re-parsed and unchanged routes not
    re-rendered; with `write=False` the files are only returned (serve keeps
    them in memory).
    """
    watch = _Stopwatch()
    with watch.stage("config"):
        config, config_warnings = load_site_config(options)
        output = check_output_folder(
            Path(options.output) if options.output else config.resolve(config.output), config)
        themes = theme_chain(config)
    diagnostics = Diagnostics(strict=options.strict)
    diagnostics.extend(config_warnings)
    site_comments = read_site_comments(config, diagnostics)
    if cache is not None:
        cache.begin(digest(dataclasses.asdict(config), options.drafts, options.future,
                           options.strict))

    with watch.stage("read"):
        sources = read_sources(config, diagnostics, cache)
    with watch.stage("library"):
        now = options.now or datetime.now(UTC)
        library = build_library(config, sources, now, include_drafts=options.drafts,
                                include_future=options.future, diagnostics=diagnostics,
                                memo=cache.authors if cache is not None else None)
    with watch.stage("plan"):
        urls = Urls(config)
        plan = plan_site(library, urls, themes, diagnostics)
        comments = plan_comments(library, site_comments, urls, diagnostics)
    with watch.stage("render"):
        renderer = Renderer(library, plan, urls, themes,
                            cache.templates if cache is not None else None, comments)
        fingerprints = None
        if cache is not None:
            signature = site_signature(library, [dataclasses.asdict(config),
                                                 _templates_version(config, themes)])
            fingerprints = Fingerprints(library, signature, cache.source_hash)
        files = render_routes(renderer, plan, diagnostics, progress, cache, fingerprints)

    if diagnostics.errors:
        raise SourceErrors(list(diagnostics))
    report = WriteReport()
    if write:
        with watch.stage("write"):
            report = write_output(output, files)
    return BuildResult(config=config, library=library, plan=plan, output=output,
                       report=report, warnings=diagnostics.warnings, timings=watch.timings,
                       files=files)
