"""The build, read as the pipeline: config → read → library → plan → render → write."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hubgen.build.output import WriteReport, check_output_folder, write_output
from hubgen.config import Config, find_config, load_config
from hubgen.content.sources import read_sources
from hubgen.content.themes import theme_chain
from hubgen.errors import Diagnostic, Diagnostics, SourceErrors
from hubgen.library import Library, build_library
from hubgen.plan import SitePlan, Urls, plan_site
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


def render_routes(renderer: Renderer, plan: SitePlan, diagnostics: Diagnostics,
                  progress: ProgressHook | None = None) -> dict[str, bytes]:
    """Render every route; each distinct template problem is recorded once."""
    files: dict[str, bytes] = {}
    seen: set[tuple[str, int, str]] = set()
    total = len(plan.routes)
    for done, route in enumerate(plan.routes, start=1):
        try:
            files[route.output] = renderer.render(route)
        except RenderError as exc:
            problem = exc.diagnostic
            key = (str(problem.path), problem.line, problem.message)
            if key not in seen:
                seen.add(key)
                diagnostics.add(problem)
        if progress is not None:
            progress(done, total)
    return files


def build_site(options: BuildOptions, progress: ProgressHook | None = None) -> BuildResult:
    """Build the hub the options describe; raises SourceErrors with every problem found.

    Nothing in the output folder changes unless the whole build succeeded.
    """
    watch = _Stopwatch()
    with watch.stage("config"):
        config, config_warnings = load_site_config(options)
        output = check_output_folder(
            Path(options.output) if options.output else config.resolve(config.output), config)
        themes = theme_chain(config)
    diagnostics = Diagnostics(strict=options.strict)
    diagnostics.extend(config_warnings)

    with watch.stage("read"):
        sources = read_sources(config, diagnostics)
    with watch.stage("library"):
        now = options.now or datetime.now(UTC)
        library = build_library(config, sources, now, include_drafts=options.drafts,
                                include_future=options.future, diagnostics=diagnostics)
    with watch.stage("plan"):
        urls = Urls(config)
        plan = plan_site(library, urls, themes, diagnostics)
    with watch.stage("render"):
        renderer = Renderer(library, plan, urls, themes)
        files = render_routes(renderer, plan, diagnostics, progress)

    if diagnostics.errors:
        raise SourceErrors(list(diagnostics))
    with watch.stage("write"):
        report = write_output(output, files)
    return BuildResult(config=config, library=library, plan=plan, output=output,
                       report=report, warnings=diagnostics.warnings, timings=watch.timings)
