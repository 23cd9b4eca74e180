"""The build, read as the pipeline: config → read → library → plan → render → write."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubgen.build.cache import BuildCache
from hubgen.build.collector import collector_paused, long_lived
from hubgen.build.fingerprints import (
    Fingerprints,
    digest,
    frame_key,
    item_hashes,
    site_signature,
)
from hubgen.build.output import StagedOutput, WriteReport, check_output_folder
from hubgen.build.persist import (
    SourcesWrittenEarly,
    load_cache,
    save_cache,
    write_sources_early,
)
from hubgen.build.rendering import render_routes, stamp_written
from hubgen.build.workers import map_unordered
from hubgen.comments import plan_comments, read_site_comments
from hubgen.config import Config, find_config, load_config, read_config, stand_in_config
from hubgen.content.markdown import markdown_titles
from hubgen.content.models import Document
from hubgen.content.sources import Sources, is_leftover, read_sources
from hubgen.content.themes import Theme, default_theme_chain, template_tree, theme_chain
from hubgen.content.words import Words, english_words, read_words
from hubgen.errors import Diagnostic, Diagnostics, Severity, SourceErrors
from hubgen.library import Library, build_library
from hubgen.plan import SitePlan, Urls, plan_site
from hubgen.plan.planner import MovedPages
from hubgen.wording import plural

if TYPE_CHECKING:
    import jinja2

    from hubgen.render import Renderer
    from hubgen.render.assets import AssetDigests

# Called as progress(stage, done, total) while files are read ("read") and routes
# rendered ("render").
ProgressHook = Callable[[str, int, int], None]


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
    jobs: int = 1                 # worker processes for reading and rendering
    cache: bool = False           # keep a cache on disk (in cache_dir) between builds
    # With drafts or future posts: also work out which files a build without them makes
    # (BuildResult.published), for `hubgen check`.
    published: bool = False


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
    files: dict[str, bytes] = field(default_factory=dict)   # output path → bytes, unless written
    parsed: int = -1      # source files parsed (not taken from the cache); -1 without a cache
    rendered: int = 0     # routes rendered (not reused)
    workers: int = 0      # worker processes that rendered them (0: the build's own)
    costs: list[tuple[str, str, float]] = field(default_factory=list)  # (output, template, s)
    # The files a build without drafts and future posts makes (with options.published).
    published: frozenset[str] | None = None

    @property
    def page_count(self) -> int:
        """How many files the site has."""
        return len(self.plan.routes)

    @property
    def outputs(self) -> list[str]:
        """The path of every file of the site, below the output folder."""
        return [route.output for route in self.plan.routes]


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
    """Find and load the config the options name, with `--base-url` applied.

    Raises `SourceErrors` for any mistake in it.
    """
    path = find_config(options.root, options.config_file)
    return load_config(path, overrides=_overrides(options), strict=options.strict)


def config_to_start_with(options: BuildOptions) -> Config:
    """The config a long-running command (serve) starts with: the options' config, with
    defaults standing in for values in error, or all defaults while it cannot be read at
    all; its first build reports what is wrong. Raises UsageError when there is none."""
    path = find_config(options.root, options.config_file)
    try:
        config, _ = read_config(path, overrides=_overrides(options), strict=options.strict)
    except SourceErrors:
        config = None
    return config if config is not None else stand_in_config(path, _overrides(options))


def _read_site_config(options: BuildOptions) -> tuple[Config, list[Diagnostic]]:
    """The config, with defaults standing in for values in error, and every diagnostic:
    a build goes on to read the content, so that all mistakes are reported together."""
    config, diagnostics = read_config(find_config(options.root, options.config_file),
                                      overrides=_overrides(options), strict=options.strict)
    if config is None:
        raise SourceErrors(diagnostics)
    return config, diagnostics


def _overrides(options: BuildOptions) -> dict[str, Any] | None:
    return {"url": options.base_url} if options.base_url else None


def _templates_version(config: Config, themes: list[Theme]) -> str:
    """A hash of every template the site can use: a change re-renders the pages."""
    folders = [config.root / "templates", *(t.templates for t in themes)]
    entries = []
    for folder in folders:
        # Through symlinked folders too, as the loader reads them: an edit behind a link
        # (templates/partials -> a shared folder), or the link removed, is a change.
        for path in template_tree(folder).files:
            # An editor's swap file or backup beside a template is never one: it must not
            # make every save (vim rewrites its .swp as you type) re-render the site.
            if path.is_file() and not is_leftover(path.name):
                entries.append((str(path), path.read_bytes()))
    return digest(entries)


def _save_or_warn(cache: BuildCache, folder: Path, warnings: list[Diagnostic],
                  early: SourcesWrittenEarly | None) -> None:
    # The site is built by now: a cache that cannot be kept costs the next build time,
    # never this build its success.
    try:
        save_cache(cache, folder, early)
    except OSError as exc:
        warnings.append(Diagnostic(
            folder, 0, 0, f"the build cache could not be written ({exc.strerror or exc})",
            "the next build starts from nothing; make the folder writable, set cache_dir: "
            "in hubgen.yaml, or build with --no-cache.", Severity.WARNING))


# How many moved pages the build names one by one.
_MOVES_TOLD = 10


def _moved_away(removed: list[str], library: Library, urls: Urls) -> list[Diagnostic]:
    """A warning for each page the build removed that was, by its name, the address of a
    post or page published elsewhere now (a permalink edited, a page made a post): readers
    following a link or a bookmark to it find the 404 page, unless an alias forwards them.
    Past the tenth, one warning counts the others (a permalink edit moves every post)."""
    pages = ["/" + output.removesuffix("index.html") for output in removed
             if output.endswith((".html", ".htm"))]
    if not pages:   # most builds: no index of the slugs made
        return []
    moves = MovedPages(library, urls)
    warnings = []
    others = 0
    for old in pages:
        moved = moves.moved_to(old)
        if moved is None or not isinstance(moved[0], Document):
            continue
        if len(warnings) == _MOVES_TOLD:
            others += 1
            continue
        document, now_at = moved
        line, column = document.positions.get("aliases", (0, 0))
        warnings.append(Diagnostic(
            document.source, line, column,
            f"'{document.title}' moved from {old} to {now_at}: the build removed its page at "
            f"{old}, so links and bookmarks to it now lead to the 404 page",
            f"add aliases: [{old}] to its front matter to forward them, or keep its old "
            "permalink.", Severity.WARNING))
    if others:
        warnings.append(Diagnostic(
            None, 0, 0, f"{plural(others, 'more post or page', 'more posts or pages')} moved "
            "likewise: the build removed their pages at their old addresses",
            "add each one's old address to its aliases:, or keep the old permalinks.",
            Severity.WARNING))
    return warnings


@contextmanager
def _made_to_last(set_aside: Callable[[], None]) -> Iterator[None]:
    """Run a step whose objects live to the end of the build, without the cycle collector.

    What it made is set aside before the collector runs again, which would otherwise
    walk all of it at once (a tenth of a second for a big hub's loaded cache).
    """
    with collector_paused():
        yield
        set_aside()


class _TemplatesMadeEarly:
    """The render stage's Jinja environment, made while the workers read the sources.

    Render workers forked afterwards inherit its compiled templates (and the feed
    libraries) instead of each making its own. A build that reads on one process
    leaves all of it to the render stage, which may not need it.
    """

    def __init__(self, config: Config, themes: list[Theme], words: Words,
                 cache: BuildCache | None):
        self.config = config
        self.themes = themes
        self.words = words
        self.cache = cache
        self.environment: jinja2.Environment | None = None

    @property
    def bytecode_cache(self) -> jinja2.BytecodeCache | None:
        """The cache's compiled templates; asked for only when a template is compiled, so
        that a build that renders nothing never loads Jinja."""
        return self.cache.templates if self.cache is not None else None

    def make(self) -> None:
        """Make the environment and compile every template in it."""
        from hubgen.render.templates import make_environment, preload
        if self.config.feeds.formats:
            import hubgen.feeds  # noqa: F401  (feedgen and lxml, loaded once for all workers)
        self.environment = make_environment(self.config, self.themes, self.bytecode_cache,
                                            self.words)
        preload(self.environment)


def cache_key(config: Config, drafts: bool, future: bool, strict: bool,
              words: Words | None = None) -> str:
    """What a cache was made under: the config, the build's flags and the words Markdown
    writes into every body (English without). A cache made under another is begun anew."""
    return digest(dataclasses.asdict(config), drafts, future, strict,
                  markdown_titles(words or english_words()))


def _stage_of(progress: ProgressHook | None, stage: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(stage, done, total)


def build_site(options: BuildOptions, progress: ProgressHook | None = None,
               cache: BuildCache | None = None, write: bool = True,
               stop: threading.Event | None = None) -> BuildResult:
    """Build the hub the options describe; raises SourceErrors with every problem found.

    Nothing in the output folder changes unless the whole build succeeded. With
    a cache (given, or the one on disk with `options.cache`), unchanged sources
    are not re-parsed and unchanged routes not re-rendered; with `write=False`
    the files are only returned (serve keeps them in memory). Setting `stop` from
    another thread calls off the work on workers (WorkStopped).
    """
    with long_lived() as set_aside, ExitStack() as at_end:
        return _build(options, progress, cache, write, set_aside, at_end, stop)


def _published_outputs(config: Config, sources: Sources, now: datetime, urls: Urls,
                       themes: list[Theme], words: Words) -> frozenset[str]:
    """The files of the site as built without drafts and future posts (its problems are
    the build's own, already reported)."""
    library = build_library(config, sources, now, diagnostics=Diagnostics(), words=words)
    return frozenset(route.output for route in plan_site(library, urls, themes,
                                                         Diagnostics()).routes)


def _build(options: BuildOptions, progress: ProgressHook | None, cache: BuildCache | None,
           write: bool, set_aside: Callable[[], None], at_end: ExitStack,
           stop: threading.Event | None) -> BuildResult:
    watch = _Stopwatch()
    with watch.stage("config"):
        config, config_diagnostics = _read_site_config(options)
        output = check_output_folder(
            Path(options.output) if options.output else config.resolve(config.output), config,
            cache_on_disk=options.cache)
        diagnostics = Diagnostics(strict=options.strict)
        diagnostics.extend(config_diagnostics)
        if diagnostics.errors:
            # Defaults stand in for the config's wrong values: nothing this build
            # makes may be kept, in the output or in a cache.
            cache = None
            options = dataclasses.replace(options, cache=False)
        try:
            themes = theme_chain(config, diagnostics)
        except SourceErrors as exc:
            # Reported with every other mistake of the build; the default theme stands in
            # meanwhile, so that the content is still read and checked.
            diagnostics.extend(exc.diagnostics)
            themes = default_theme_chain()
        words = read_words(config, themes, diagnostics)
        cache_folder = config.resolve(config.cache_dir)
        if cache is None and options.cache:
            with _made_to_last(set_aside):
                cache = load_cache(cache_folder)
        persist = cache is not None and options.cache
    site_comments = read_site_comments(config, diagnostics)
    if cache is not None:
        cache.begin(cache_key(config, options.drafts, options.future, options.strict, words))
    # Hashed before anything compiles them (see _TemplatesMadeEarly): a template edited
    # during the build then leaves the cache too old, never pages from the old template
    # under the new one's hash.
    templates_version = _templates_version(config, themes) if cache is not None else ""
    templates = _TemplatesMadeEarly(config, themes, words, cache)

    with watch.stage("read"):
        # While workers read, this process compiles the templates the render needs.
        mapper = partial(map_unordered, jobs=options.jobs, meanwhile=templates.make,
                         stop=stop)
        sources = read_sources(config, diagnostics, cache, mapper, _stage_of(progress, "read"),
                               words=words)
        set_aside()
    early: SourcesWrittenEarly | None = None
    if persist and write and cache is not None and not diagnostics.errors:
        # The sources will not change again: another process writes them to the cache
        # while this one goes on, and the save at the end moves its files into place.
        cache.forget_unseen()
        early = write_sources_early(cache, cache_folder, at_end.callback)
    with watch.stage("library"), _made_to_last(set_aside):
        now = options.now or datetime.now(UTC)
        library = build_library(config, sources, now, include_drafts=options.drafts,
                                include_future=options.future, diagnostics=diagnostics,
                                memo=cache.authors if cache is not None else None,
                                words=words)
    with watch.stage("plan"), _made_to_last(set_aside):
        urls = Urls(config)
        plan = plan_site(library, urls, themes, diagnostics)
        comments = plan_comments(library, site_comments, urls, diagnostics)
        published = _published_outputs(config, sources, now, urls, themes, words) \
            if options.published and (options.drafts or options.future) else None
    stage = StagedOutput(output, [r.output for r in plan.routes]) \
        if write and not diagnostics.errors else None
    try:
        with watch.stage("render"):
            def make_renderer(digests: AssetDigests) -> Renderer:
                from hubgen.render import Renderer  # Jinja loads only if a page is rendered
                return Renderer(library, plan, urls, themes, templates.bytecode_cache,
                                comments, environment=templates.environment, digests=digests)
            fingerprints = None
            frame, hashes = "", None
            if cache is not None:
                # Every page says the theme's words and dates: a word changed, or a word
                # file that makes the dates speak the site's language, renders them again.
                signature = site_signature(library, [dataclasses.asdict(config),
                                                     templates_version, dict(words.table),
                                                     words.dates_language])
                fingerprints = Fingerprints(library, signature, cache.source_hash)
                frame = frame_key(signature, plan.routes)
                hashes = item_hashes(library, cache.source_hash)
            rendered = render_routes(make_renderer, plan, diagnostics, stage=stage,
                                     jobs=options.jobs, progress=_stage_of(progress, "render"),
                                     cache=cache, fingerprints=fingerprints,
                                     frame_key=frame, item_hashes=hashes, stop=stop)
        if diagnostics.errors:
            raise SourceErrors(list(diagnostics))
        report = WriteReport()
        warnings: list[Diagnostic] = []
        if stage is not None:
            with watch.stage("write"):
                report = stage.commit(rendered.staged)
                warnings += _moved_away(report.removed, library, urls)
                # After a Ctrl-C the user wants out: the cache can wait for the next build.
                if persist and cache is not None and not report.interrupted:
                    stamp_written(cache, output)
                    if cache.changed:
                        _save_or_warn(cache, cache_folder, warnings, early)
    finally:
        if stage is not None:
            stage.discard()
    return BuildResult(config=config, library=library, plan=plan, output=output,
                       report=report, warnings=diagnostics.warnings + warnings,
                       timings=watch.timings,
                       files=rendered.files, parsed=cache.parsed if cache is not None else -1,
                       rendered=rendered.rendered, workers=rendered.workers,
                       costs=rendered.costs, published=published)
