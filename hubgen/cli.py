"""The `hubgen` command: parses arguments, calls the library API, prints. No logic of its own."""

from __future__ import annotations

import dataclasses
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from hubgen import __version__
from hubgen.build import BuildOptions, BuildResult, build_site
from hubgen.build.collector import interpreter_started
from hubgen.build.output import stop_as_interrupt
from hubgen.build.workers import default_jobs
from hubgen.config import CheckFailed, absolute_http_url
from hubgen.content.markdown import shorten
from hubgen.content.sanitize import plain
from hubgen.errors import Diagnostic, HubgenError, SourceErrors, UsageError, display_path
from hubgen.plan import Urls
from hubgen.progress import BuildProgress, wants_color, wants_progress
from hubgen.wording import plural, some_of

EXIT_SOURCE_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130   # what shells report for Ctrl-C


def format_diagnostic(diagnostic: Diagnostic, root: Path | None, color: bool = False) -> str:
    """`path:line:col: error: message`, the line with a caret under the spot, then the hint."""
    label = "error" if diagnostic.is_error else "warning"
    if color:
        label = click.style(label, fg="red" if diagnostic.is_error else "yellow", bold=True)
    lines = [f"{diagnostic.location(root)}: {label}: {diagnostic.message}"]
    excerpt = diagnostic.excerpt()
    if excerpt is not None:
        text, caret = excerpt
        lines.append(f"    {text}")
        lines.append(f"    {click.style(caret, fg='red') if color else caret}")
    if diagnostic.hint:
        lines.append(f"  hint: {diagnostic.hint}")
    return "\n".join(lines)


def print_diagnostics(diagnostics: Iterable[Diagnostic], root: Path | None) -> None:
    """Print diagnostics to stderr, one block each."""
    color = wants_color()
    for diagnostic in diagnostics:
        click.echo(format_diagnostic(diagnostic, root, color), err=True)


def build_moment() -> datetime | None:
    """SOURCE_DATE_EPOCH, when set, is "now" for deciding what is future (reproducible builds)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise click.UsageError(f"SOURCE_DATE_EPOCH must be a Unix time in seconds, "
                               f"got {value!r}") from None


def current_folder() -> Path:
    """The folder the command runs in; one deleted meanwhile (a terminal left in a hub's
    folder that was made again) ends the command with a usage error."""
    try:
        return Path.cwd()
    except FileNotFoundError:
        click.echo("Error: the current folder no longer exists (deleted or moved away): cd "
                   "into the hub's folder again", err=True)
        sys.exit(EXIT_USAGE)


def _build_failed(exc: SourceErrors) -> str:
    errors = sum(1 for d in exc.diagnostics if d.is_error)
    return f"Build failed: {plural(errors, 'error')}; the previous output is untouched."


@contextmanager
def reporting_errors(root: Path, failed: str | Callable[[SourceErrors], str] = "",
                     before: Callable[[], None] | None = None) -> Iterator[None]:
    """Turn hubgen's errors into what a user reads: the diagnostics, then exit 1 (2 for usage).

    `failed` is said after source errors (what did not happen); `before` runs first (to
    take a progress bar off the terminal).
    """
    try:
        yield
    except (SourceErrors, UsageError, HubgenError) as exc:
        if before is not None:
            before()
        if isinstance(exc, SourceErrors):
            print_diagnostics(exc.diagnostics, root)
            note = failed(exc) if callable(failed) else failed
            if note:
                click.echo(note, err=True)
            sys.exit(EXIT_SOURCE_ERRORS)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_SOURCE_ERRORS)


def _summary(result: BuildResult, root: Path, elapsed: float, verbose: bool) -> list[str]:
    report = result.report
    library = result.library
    out = display_path(result.output, root)
    lines = [f"Built {result.config.title} in {elapsed:.2f} s → {out}/",
             f"  pages: {len(report.written)} written, {len(report.unchanged)} unchanged, "
             f"{len(report.removed)} removed ({plural(len(library.posts), 'post')}, "
             f"{plural(len(library.pages), 'page')}, {plural(len(library.threads), 'thread')}, "
             f"{plural(len(library.tags), 'tag')})"]
    skipped = []
    if library.drafts_skipped:
        skipped.append(f"{plural(library.drafts_skipped, 'draft')} (build them with --drafts)")
    if library.future_skipped or library.future_threads_skipped:
        due = library.next_scheduled
        when = due.astimezone(result.config.tz).strftime("%Y-%m-%d %H:%M %Z") if due else ""
        what = [plural(count, f"scheduled {kind}") for count, kind in
                ((library.future_skipped, "post"), (library.future_threads_skipped, "thread"))
                if count]
        skipped.append(f"{' and '.join(what)}, next due {when} (build them with --future)")
    if skipped:
        lines.append("  skipped: " + "; ".join(skipped))
    waiting = sum(len(w.nodes) for w in library.listening_report())
    if waiting:
        lines.append(f"  listening: {plural(waiting, 'community question')} "
                     f"{'waits' if waiting == 1 else 'wait'} for a brand reply "
                     "(hubgen build --report lists them)")
    stages = " · ".join(f"{name} {seconds:.2f} s" for name, seconds in result.timings.items())
    lines.append(f"  stages: {stages}")
    if result.parsed >= 0:
        lines.append(f"  cache: {plural(result.parsed, 'source file')} parsed, "
                     f"{result.rendered} of {result.page_count} pages rendered")
    if verbose:
        lines += slowest_lines(result)
        lines += [f"  wrote {path}" for path in report.written]
        lines += [f"  removed {path}" for path in report.removed]
    return lines


def slowest_lines(result: BuildResult, count: int = 10) -> list[str]:
    """The templates that cost the most in all, and the slowest pages, for --verbose."""
    if not result.costs:
        return []
    by_template: dict[str, list[float]] = {}
    for _, template, seconds in result.costs:
        by_template.setdefault(template, []).append(seconds)
    lines = ["  slowest templates (total, pages, mean):"]
    for template, costs in sorted(by_template.items(), key=lambda kv: -sum(kv[1]))[:count]:
        total = sum(costs)
        lines.append(f"    {total:7.3f} s  {len(costs):6d}  {1000 * total / len(costs):7.2f} ms"
                     f"  {template}")
    lines.append("  slowest pages:")
    for output, template, seconds in sorted(result.costs, key=lambda c: -c[2])[:count]:
        lines.append(f"    {1000 * seconds:7.2f} ms  {output}  ({template})")
    return lines


def listening_report_lines(result: BuildResult, root: Path) -> list[str]:
    """The listening report: community questions still waiting for a brand reply."""
    report = result.library.listening_report()
    if not report:
        return ["Listening report: every community question has a brand reply."]
    config = result.config
    lines = ["Listening report: community questions waiting for a brand reply, oldest first"]
    for waiting in report:
        thread = waiting.thread
        thread_url = config.origin + Urls(config).url(Urls(config).thread(thread))
        lines.append(f"  {thread.title} ({display_path(thread.source, root)})")
        for node in waiting.nodes:
            when = node.message.date.astimezone(config.tz).strftime("%Y-%m-%d %H:%M %Z") \
                if node.message.date else "undated"
            text = " ".join(plain(node.message.html).split())
            lines.append(f"    {when}  {node.speaker.name}: {shorten(text, 90)}")
            lines.append(f"      {thread_url}#{node.anchor}")
    return lines


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hubgen")
def cli() -> None:
    """hubgen: a static site generator for brand conversation hubs."""


@cli.command()
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The config file (default: hubgen.yaml in this folder).")
@click.option("--output", type=click.Path(path_type=Path, file_okay=False),
              help="Where to write the site (default: 'output:' of the config, public/).")
@click.option("--drafts", is_flag=True, help="Include posts and pages marked draft: true.")
@click.option("--future", is_flag=True,
              help="Include posts and archived threads dated in the future.")
@click.option("--base-url", help="Build for another URL, e.g. a preview host.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@click.option("--verbose", "-v", is_flag=True,
              help="Also list the slowest templates and pages, and every file written and "
                   "removed.")
@click.option("--report", is_flag=True,
              help="List community questions still waiting for a brand reply.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for reading and rendering (default: one per core).")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the build cache (.hubgen-cache/).")
def build(config_file: Path | None, output: Path | None, drafts: bool, future: bool,
          base_url: str | None, strict: bool, quiet: bool, verbose: bool, report: bool,
          jobs: int | None, no_cache: bool) -> None:
    """Build the hub in this folder into a static site."""
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    if base_url is not None:
        try:
            base_url = absolute_http_url(base_url)
        except CheckFailed as exc:
            raise click.BadParameter(f"{exc.message} ({exc.hint})", param_hint="--base-url") \
                from None
    root = current_folder()
    options = BuildOptions(root=root, config_file=config_file, output=output, drafts=drafts,
                           future=future, base_url=base_url, strict=strict, now=build_moment(),
                           jobs=jobs or default_jobs(), cache=not no_cache)
    click.get_current_context().call_on_close(stop_as_interrupt())
    progress = BuildProgress(enabled=wants_progress(quiet))
    started = time.perf_counter()
    with reporting_errors(root, _build_failed, before=progress.stop):
        try:
            result = build_site(options, progress=progress)
        except KeyboardInterrupt:
            progress.stop()
            click.echo("Interrupted: the previous output is untouched.", err=True)
            sys.exit(EXIT_INTERRUPTED)
    progress.stop()
    if result.report.interrupted:
        click.echo("Interrupted while the new files were moved in: that was finished first, "
                   "so the output is the complete new site.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    print_diagnostics(result.warnings, root)
    if not quiet:
        for line in _summary(result, root, time.perf_counter() - started, verbose):
            click.echo(line)
    if report:
        for line in listening_report_lines(result, root):
            click.echo(line)


@cli.command()
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The config file (default: hubgen.yaml in this folder).")
@click.option("--port", default=8000, show_default=True, help="The port to listen on; "
              "when it is taken, the next free one is used.")
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="The address to listen on (0.0.0.0 shares the preview on your network).")
@click.option("--drafts/--no-drafts", default=True, show_default=True,
              help="Show drafts and scheduled posts and threads, with a badge; --no-drafts serves "
              "exactly what build publishes.")
@click.option("--future", is_flag=True,
              help="Show posts and archived threads dated later, even with --no-drafts.")
@click.option("--poll", is_flag=True, help="Poll for changes (network drives, containers).")
@click.option("--no-reload", is_flag=True, help="Do not reload the browser on changes.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for big rebuilds, a template edited say (default: one "
                   "per core).")
def serve(config_file: Path | None, port: int, bind: str, drafts: bool, future: bool,
          poll: bool, no_reload: bool, open_browser: bool, jobs: int | None) -> None:
    """Build the hub, serve it, and rebuild on every save (the browser follows)."""
    from hubgen.serve import ServeOptions, ServeSession

    root = current_folder()
    build_options = BuildOptions(root=root, config_file=config_file, drafts=drafts,
                                 future=future or drafts, now=build_moment(),
                                 jobs=jobs or default_jobs())
    printed: list[list[Diagnostic]] = [[]]
    warned: list[set[Diagnostic]] = [set()]
    builds = [0]
    served_at: list[str] = []

    def on_build(errors: list[Diagnostic], warnings: list[Diagnostic], seconds: float,
                 rendered: int, workers: int) -> None:
        builds[0] += 1
        # Each warning when it appears, not at every save; one fixed and made again is new.
        print_diagnostics([w for w in warnings if w not in warned[0]], root)
        warned[0] = set(warnings)
        if errors:
            if errors != printed[0]:  # the same errors once, not at every save
                print_diagnostics(errors, root)
                serving = "still serving the last good site" if session.state.snapshot.built \
                    else "nothing to serve until it is fixed"
                click.echo(f"Build failed: {plural(len(errors), 'error')}; {serving}.",
                           err=True)
            printed[0] = errors
            return
        printed[0] = []
        verb = "Built" if builds[0] == 1 else "Rebuilt"
        on = f" on {plural(workers, 'worker')}" if workers else ""
        click.echo(f"{verb} in {seconds:.2f} s ({plural(rendered, 'file')} rendered{on})")
        if session.server is not None:
            if served_at and served_at[-1] != session.url:   # the url's path was edited
                click.echo(f"Serving at {session.url} now")
            served_at.append(session.url)

    # A service manager's SIGTERM stops it as cleanly as Ctrl-C, during the first build too
    # (its workers are called off, not left running on their own).
    click.get_current_context().call_on_close(stop_as_interrupt())
    session: ServeSession | None = None
    try:
        session = ServeSession(ServeOptions(build_options, bind, port, poll, not no_reload,
                                            open_browser), on_build)
        url = session.start()
        # One scope from the start to the end: a Ctrl-C just after "Serving … at" ended the
        # command as "Aborted!", the server's threads never stopped.
        if port and session.server is not None and session.server.server_address[1] != port:
            click.echo(f"Port {port} is taken; using {session.server.server_address[1]}.")
        watching = "polling" if session.watcher and session.watcher.polling else "watching"
        click.echo(f"Serving {session.config.title} at {url} ({watching} for changes; "
                   "Ctrl-C stops)")
        if session.network_url:
            click.echo(f"On your network: {session.network_url}")
        if not served_at:   # a first build that failed: its fix may move the site
            served_at.append(url)
        # Waits a moment at a time: a Ctrl-C that the system hands to another thread (the
        # server's, the watcher's) is only acted on when this thread wakes.
        while True:
            time.sleep(0.2)
    except KeyboardInterrupt:
        click.echo("\nStopping…")
    except SourceErrors as exc:
        print_diagnostics(exc.diagnostics, root)
        sys.exit(EXIT_SOURCE_ERRORS)
    except UsageError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    finally:
        if session is not None:
            session.stop()
    click.echo("Stopped.")


@cli.group()
def new() -> None:
    """Start a hub, or add a post, page or thread with its front matter filled in."""


@new.command("site")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def new_site_command(folder: Path) -> None:
    """Make a small, complete hub in FOLDER (a new or empty folder)."""
    from hubgen.scaffold import new_site

    here = current_folder()
    try:
        written = new_site(folder, now=build_moment())
    except UsageError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for path in written:
        click.echo(f"  wrote {path}")
    if folder.resolve() == here.resolve():
        click.echo("A new hub is in this folder. Next: hubgen serve")
    else:
        # Quoted as a shell needs it, so that the line can be pasted as it is.
        click.echo(f"A new hub is in {folder}/. Next: cd {shlex.quote(str(folder))} && "
                   "hubgen serve")


def _new_content(kind: str, title: str, slug: str | None, config_file: Path | None) -> None:
    from hubgen.build.pipeline import load_site_config
    from hubgen.scaffold import new_content

    root = current_folder()
    with reporting_errors(root):
        config, warnings = load_site_config(BuildOptions(root=root, config_file=config_file))
        print_diagnostics(warnings, root)
        path = new_content(kind, title, config, slug=slug, now=build_moment())
    click.echo(display_path(path, root))


for _kind in ("post", "page", "thread"):
    def _make(kind: str = _kind) -> click.Command:
        @click.argument("title")
        @click.option("--slug", help="The file and URL name (default: made from the title).")
        @click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                      help="The config file (default: hubgen.yaml in this folder).")
        def command(title: str, slug: str | None, config_file: Path | None) -> None:
            _new_content(kind, title, slug, config_file)
        command.__doc__ = f"Write a new {kind} titled TITLE; prints its path. Never overwrites."
        return new.command(kind)(command)
    _make()


@cli.command()
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The config file (default: hubgen.yaml in this folder).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: a stable machine-readable list for CI.")
def check(config_file: Path | None, strict: bool, output_format: str) -> None:
    """Check the hub without writing it: build errors, links, anchors, feeds, mixed content."""
    from hubgen.check import CheckReport, Finding, check_site

    root = current_folder()
    try:
        report = check_site(BuildOptions(root=root, config_file=config_file, strict=strict,
                                         now=build_moment(), jobs=default_jobs()))
    except UsageError as exc:
        click.echo(f"Error: {exc}", err=True)
        if output_format == "json":   # CI reading stdout gets the reason too
            click.echo(CheckReport([Finding("usage", "error", "", 0, 0, str(exc))])
                       .as_json(), nl=False)
        sys.exit(EXIT_USAGE)
    if output_format == "json":
        click.echo(report.as_json(), nl=False)
    else:
        order = {"error": 0, "warning": 1, "info": 2}
        for finding in sorted(report.findings, key=lambda f: (order[f.severity], f.path, f.line)):
            click.echo(finding.text(root))
        errors = sum(f.severity == "error" for f in report.findings)
        warnings = sum(f.severity == "warning" for f in report.findings)
        click.echo(f"{'Check failed' if errors else 'Check passed'}: "
                   f"{plural(errors, 'error')}, {plural(warnings, 'warning')}.")
    sys.exit(EXIT_SOURCE_ERRORS if report.failed else 0)


@cli.command()
@click.argument("target", required=False)
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The config file (default: hubgen.yaml in this folder).")
def publish(target: str | None, dry_run: bool, config_file: Path | None) -> None:
    """Build the hub and ship it to a target declared under publish: in hubgen.yaml."""
    from hubgen.build.pipeline import load_site_config
    from hubgen.errors import Diagnostics
    from hubgen.publish import choose_target, read_targets
    from hubgen.publish import publish as ship

    root = current_folder()
    options = BuildOptions(root=root, config_file=config_file, now=build_moment(),
                           jobs=default_jobs(), cache=True)
    click.get_current_context().call_on_close(stop_as_interrupt())
    shipping = False
    with reporting_errors(root, "Nothing was published."):
        try:
            config, _ = load_site_config(options)
            diagnostics = Diagnostics()
            targets = read_targets(config, diagnostics)
            if diagnostics.errors:
                raise SourceErrors(diagnostics.errors)
            chosen = choose_target(targets, target, config)
            if dry_run:
                # A dry run changes nothing, the output folder included: it builds elsewhere.
                with tempfile.TemporaryDirectory(prefix="hubgen-dry-run-") as elsewhere:
                    result = build_site(dataclasses.replace(options,
                                                            output=Path(elsewhere) / "site"))
                    report = ship(chosen, result, dry_run=True, log=click.echo)
            else:
                result = build_site(options)
                if result.report.interrupted:
                    raise KeyboardInterrupt
                shipping = True
                report = ship(chosen, result, dry_run=False, log=click.echo)
        except KeyboardInterrupt:
            click.echo(_publish_interrupted(shipping), err=True)
            sys.exit(EXIT_INTERRUPTED)
    counts = (f"{len(report.added)} added, {len(report.updated)} updated, "
              f"{len(report.removed)} removed")
    if dry_run:
        click.echo(f"Dry run for {report.target} ({report.kind}): {counts} (nothing was changed)")
    elif report.shipped:
        click.echo(f"Published to {report.target} ({report.kind}): {counts}")
    else:
        click.echo(f"Built for {report.target} ({report.kind}): {counts}; not uploaded yet")
    for label, paths in (("added", report.added), ("updated", report.updated),
                         ("removed", report.removed)):
        for path in paths:
            click.echo(f"  {label} {path}")
    if report.kept:
        click.echo(f"Kept {plural(len(report.kept), 'file')} hubgen did not publish: "
                   f"{some_of(report.kept, _KEPT_SHOWN)}")
    if report.left_out:
        click.echo(f"Left out {plural(len(report.left_out), 'file')} the build did not write: "
                   f"{some_of(report.left_out, _KEPT_SHOWN)}")
    if report.detail:
        click.echo(report.detail)


_KEPT_SHOWN = 10


def _publish_interrupted(shipping: bool) -> str:
    """What Ctrl-C left: before shipping, nothing published; during it, a target the next
    publish brings in step (its manifest went ahead of the files)."""
    if shipping:
        return ("Interrupted: the publish was stopped part way; the target may hold some of "
                "the new files. Run hubgen publish again to finish it.")
    return "Interrupted: the publish was stopped before anything was shipped; nothing was " \
        "published."


@cli.command()
def schema() -> None:
    """Print the JSON Schema of hubgen.yaml (for editors that complete and check YAML)."""
    from hubgen.schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command("import")
@click.argument("platform", type=click.Choice(["mastodon", "bluesky", "reddit", "hackernews",
                                               "discourse"]))
@click.argument("source", required=False)
@click.option("--url", metavar="URL", help="Fetch the conversation from the platform's public "
              "API (a post's or thread's address) instead of reading a saved file.")
@click.option("--api", "api_base", metavar="URL", help="Another API address for --url (a "
              "Mastodon instance, a Bluesky AppView); HUBGEN_API_BASE does the same.")
@click.option("--source-url", metavar="URL", help="The thread's address, for a Discourse "
              "topic saved to a file (its JSON does not name the forum).")
@click.option("--slug", help="The thread file's name (default: from the title; a re-import "
              "finds its earlier file).")
@click.option("--title", help="The thread's title (default: the platform's, or the first "
              "post's words).")
@click.option("--tags", metavar="A,B", help="Tags of the thread, separated by commas.")
@click.option("--status", type=click.Choice(["upcoming", "live", "archived"]),
              help="The thread's status (default: archived).")
@click.option("--force", is_flag=True, help="Replace a thread file that this import did not "
              "make.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The config file (default: hubgen.yaml in this folder).")
def import_thread(platform: str, source: str | None, url: str | None, api_base: str | None,
                  source_url: str | None, slug: str | None, title: str | None,
                  tags: str | None, status: str | None, force: bool,
                  config_file: Path | None) -> None:
    """Import a conversation from PLATFORM into content/threads/.

    SOURCE is the platform's JSON saved to a file, or - to read standard input; --url
    fetches it instead. Authors become people of content/people.yaml (appended, the rest
    of the file untouched). Importing the same thread again adds new replies and keeps
    your edits.
    """
    from hubgen.importers import ImportOptions, report_lines
    from hubgen.importers import import_thread as run_import

    root = current_folder()
    tag_list = tuple(t.strip() for t in tags.split(",") if t.strip()) if tags is not None \
        else None
    options = ImportOptions(platform=platform, source=source, url=url, api_base=api_base,
                            source_url=source_url, slug=slug, title=title, tags=tag_list,
                            status=status, force=force, root=root, config_file=config_file)
    with reporting_errors(root, "Import failed; nothing written."):
        report = run_import(options)
    print_diagnostics(report.warnings, root)
    for line in report_lines(report, root):
        click.echo(line)


def main() -> None:
    """Entry point of the `hubgen` command (a program embedding hubgen calls `cli`)."""
    interpreter_started()
    code: int | str | None = 0
    try:
        cli(prog_name="hubgen")
    except SystemExit as done:
        code = done.code
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)   # a profiler or coverage writes its report at exit
    _end(code)


def _end(code: int | str | None) -> NoReturn:
    """End the process once the command is done, skipping the interpreter's teardown.

    A command has by then written, flushed and released all it holds (files, the
    cache, the output lock, its workers), so the teardown would only free a big
    hub's million objects one by one: a quarter of a second of every rebuild.
    """
    if isinstance(code, str):   # sys.exit("message"): printed, status 1
        click.echo(code, err=True)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        if stream is None:   # closed when the command started (a script's '>&-')
            continue
        with suppress(OSError, ValueError):  # closed, or a reader that went away
            stream.flush()
    os._exit(code or 0)
