"""Parallel workers and the cache on disk: never a byte different from a clean build.

Every kind of change of test_incremental.py is made between two builds that use
two workers and the cache in .hubgen-cache/; the output folder must then equal,
byte for byte, a clean single-process build without a cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import xxhash
from conftest import all_files, clean_env, run_hubgen
from serving import child_processes
from test_incremental import CHANGES, NOW

from benchmarks.corpus import post_text, write_corpus
from hubgen.build import BuildOptions, build_site
from hubgen.build.cache import BuildCache
from hubgen.build.fingerprints import Fingerprints
from hubgen.build.persist import (
    CACHE_FILE,
    SOURCE_SHARDS,
    generation,
    load_cache,
    shard_file,
    shard_of,
)
from hubgen.build.workers import WorkerLost, map_unordered
from hubgen.errors import SourceErrors
from hubgen.plan import Route

EXTRA_POSTS = 40   # enough sources and pages that both stages really fork workers


def _options(root: Path, **overrides) -> BuildOptions:
    return BuildOptions(**{"root": root, "now": NOW, "output": root / "public", **overrides})


def _tree(folder: Path) -> dict[str, str]:
    """Every file below a folder, with a hash of its bytes (short diffs when they differ)."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in all_files(folder).items()}


@pytest.fixture
def big_hub(hub_with_template: Path) -> Path:
    """The conversations hub with a custom template and 40 more posts."""
    import random
    rng = random.Random(3)
    for number in range(EXTRA_POSTS):
        text = post_text(rng, number).replace("author: brand-0", "author: ana") \
            .replace("author: brand-1", "author: ben")
        (hub_with_template / f"content/posts/extra-{number:02d}.md").write_text(text)
    return hub_with_template


def _clean_tree(root: Path, tmp_path: Path, **options) -> dict[str, str]:
    """What a single-process build without any cache makes of the hub as it is now."""
    copy = tmp_path / "clean"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("public", ".hubgen-cache"))
    result = build_site(_options(copy, jobs=1, **options))
    assert result.parsed == -1
    return _tree(copy / "public")


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_parallel_cached_rebuild_equals_a_clean_single_process_build(big_hub, tmp_path,
                                                                        change):
    first = build_site(_options(big_hub, jobs=2, cache=True))
    assert first.parsed >= EXTRA_POSTS
    CHANGES[change](big_hub)
    second = build_site(_options(big_hub, jobs=2, cache=True))
    assert second.rendered < second.page_count or change == "config"
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)


def test_a_no_change_rebuild_in_a_new_process_parses_and_renders_nothing(big_hub):
    assert run_hubgen("build", cwd=big_hub).code == 0
    again = run_hubgen("build", cwd=big_hub)
    assert again.code == 0, again.err
    assert "cache: 0 source files parsed, 0 of " in again.out
    assert "0 written" in again.out


def test_time_passing_publishes_a_scheduled_post_on_a_rebuild_with_no_file_changed(
        big_hub, tmp_path):
    # Nothing on disk changes between the builds: only the moment of the build does.
    (big_hub / "content/posts/soon.md").write_text(
        "---\ntitle: Coming soon\ndate: 2026-11-23 10:00\ntags: [brewing]\n---\nSoon.\n")
    build_site(_options(big_hub, cache=True))
    assert not (big_hub / "public/posts/soon/index.html").exists()
    later = NOW + timedelta(days=2)
    rebuilt = build_site(_options(big_hub, cache=True, now=later))
    assert "posts/soon/index.html" in rebuilt.report.written
    assert "Coming soon" in (big_hub / "public/index.html").read_text()
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path, now=later)


def test_time_passing_takes_the_scheduled_badge_off_a_post_built_with_future(
        big_hub, tmp_path):
    # With --future the post has a page either way: no route and no file changes, only
    # what the page says about it.
    (big_hub / "content/posts/soon.md").write_text(
        "---\ntitle: Coming soon\ndate: 2026-11-23 10:00\n---\nSoon.\n")
    page = big_hub / "public/posts/soon/index.html"
    build_site(_options(big_hub, cache=True, future=True))
    assert "Scheduled" in page.read_text()
    later = NOW + timedelta(days=2)
    build_site(_options(big_hub, cache=True, future=True, now=later))
    assert "Scheduled" not in page.read_text()
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path, now=later, future=True)


def test_time_passing_takes_a_chat_out_of_coming_up_on_a_rebuild_with_no_file_changed(
        big_hub, tmp_path):
    # A chat still marked upcoming once its hour has passed (the build warns) is no longer
    # announced on the home page and beside every other page; its own page stays.
    thread = big_hub / "content/threads/next-chat.yaml"
    thread.write_text(thread.read_text().replace("2099-06-01", "2026-11-23"))
    home, beside = big_hub / "public/index.html", big_hub / "public/tags/brewing/index.html"
    build_site(_options(big_hub, cache=True))
    assert "Coming up" in home.read_text() and "The next chat" in beside.read_text()
    later = NOW + timedelta(days=2)
    rebuilt = build_site(_options(big_hub, cache=True, now=later))
    assert "Coming up" not in home.read_text() and "The next chat" not in beside.read_text()
    assert "The next chat" in (big_hub / "public/threads/next-chat/index.html").read_text()
    assert any("still marked upcoming" in w.message for w in rebuilt.warnings)
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path, now=later)


def test_a_template_edit_reaches_every_page_it_renders(big_hub, tmp_path):
    template = big_hub / "templates/post.html"
    template.write_text('{% extends "!theme/post.html" %}'
                        "{% block body %}<p>EDITION-1</p>{{ super() }}{% endblock %}")
    build_site(_options(big_hub, cache=True, jobs=2))
    template.write_text(template.read_text().replace("EDITION-1", "EDITION-2"))
    build_site(_options(big_hub, cache=True, jobs=2))
    pages = [p for p in (big_hub / "public/posts").glob("*/index.html")]
    assert len(pages) > EXTRA_POSTS
    assert all("EDITION-2" in page.read_text() for page in pages)
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)


def test_a_message_edit_reaches_the_post_that_embeds_it_and_the_speakers_page(
        big_hub, tmp_path):
    # Only a message's words change: no title, date, tag or count, so every route
    # stays as it was and only the pages that read the thread are made again.
    thread = big_hub / "content/threads/chat-one.yaml"
    build_site(_options(big_hub, cache=True, jobs=2))
    thread.write_text(thread.read_text().replace("one where both sides *listen*",
                                                 "one where both sides *really listen*"))
    rebuilt = build_site(_options(big_hub, cache=True, jobs=2))
    assert {"posts/recap/index.html", "people/kim/index.html",
            "threads/chat-one/index.html"} <= set(rebuilt.report.written)
    assert "really listen" in (big_hub / "public/posts/recap/index.html").read_text()
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)


def test_a_body_edit_fingerprints_only_the_pages_that_read_the_post(big_hub, monkeypatch):
    post = big_hub / "content/posts/extra-07.md"
    build_site(_options(big_hub, cache=True))
    made: list[str] = []
    real = Fingerprints.route_with_items
    monkeypatch.setattr(Fingerprints, "route_with_items",
                        lambda self, route: made.append(route.output) or real(self, route))
    post.write_text(post.read_text() + "\nOne more sentence at the end.\n")
    rebuilt = build_site(_options(big_hub, cache=True))
    assert "One more sentence" in (big_hub / "public/posts/extra-07/index.html").read_text()
    assert "posts/extra-07/index.html" in made
    assert 0 < len(made) < rebuilt.page_count / 4
    assert all(route.output in made for route in rebuilt.plan.routes
               if route.context.get("document") is not None
               and route.context["document"].rel_path == "posts/extra-07.md")


def test_a_fingerprint_names_the_items_it_read_or_says_it_cannot(big_hub):
    library = build_site(_options(big_hub), write=False).library
    fingerprints = Fingerprints(library, "signature")
    recap = next(d for d in library.posts if d.slug == "recap")
    thread = next(t for t in library.threads if t.slug == "chat-one")
    node = library.conversation(thread).nodes[0]

    def items(**context) -> tuple[str, ...] | None:
        return fingerprints.route_with_items(Route(path="/x/", kind="html", template="x.html",
                                                   context=context))[1]

    assert items(thread=thread) == ("threads/chat-one.yaml",)
    # A post reads the threads it embeds, the first time and every time after.
    assert items(document=recap) == items(document=recap) == \
        ("posts/2026-03-12-recap.md", "threads/chat-one.yaml")
    assert items(title="plain values only") == ()
    assert items(node=node) is None   # a message alone: not traced to its thread


def test_a_static_file_changed_to_the_same_size_is_copied_again(big_hub, tmp_path):
    image = big_hub / "static/images/tom.svg"
    build_site(_options(big_hub, cache=True))
    original = image.read_bytes()
    image.write_bytes(original.replace(b"<svg", b"<SVG", 1).replace(b"</svg>", b"</SVG>"))
    assert len(image.read_bytes()) == len(original)
    rebuilt = build_site(_options(big_hub, cache=True))
    assert "images/tom.svg" in rebuilt.report.written
    assert (big_hub / "public/images/tom.svg").read_bytes() == image.read_bytes()
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)


def test_a_new_static_file_renders_no_page_again(big_hub):
    # A new static file changes the frame but no page: every fingerprint is made again,
    # and each must equal the one the first build made.
    first = build_site(_options(big_hub, jobs=2, cache=True))
    assert first.rendered == first.page_count
    (big_hub / "static/notes.txt").write_text("a new file, linked from nowhere")
    again = build_site(_options(big_hub, jobs=2, cache=True))
    assert sorted(output for output, _, _ in again.costs) == ["notes.txt", "sitemap.xml"]


def test_a_moment_tells_apart_every_date_a_page_could_show_differently():
    from datetime import UTC, datetime, timezone
    from zoneinfo import ZoneInfo

    from hubgen.build.fingerprints import moment
    paris = ZoneInfo("Europe/Paris")
    when = datetime(2026, 10, 25, 2, 30, tzinfo=paris)
    same_instant_fixed_offset = when.astimezone(timezone(timedelta(hours=2)))
    dates = [when, when.replace(fold=1), same_instant_fixed_offset, when.astimezone(UTC),
             datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("UTC")),
             datetime(2026, 10, 25, 2, 30, tzinfo=UTC), when.replace(microsecond=1),
             # equal zones to Python (one offset), shown under different names
             same_instant_fixed_offset.replace(tzinfo=timezone(timedelta(hours=2), "CEST"))]
    assert len({moment(d) for d in dates}) == len(dates)
    assert moment(datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Paris"))) == moment(when)
    assert moment(None) is None


def test_the_workers_are_other_processes_and_every_item_comes_back():
    def square(n: int) -> tuple[int, int]:
        time.sleep(0.005)   # long enough that both workers get chunks
        return n * n, os.getpid()

    results = dict(map_unordered(square, list(range(100)), jobs=2))
    assert sorted(results) == list(range(100))
    assert all(square == n * n for n, (square, _) in results.items())
    workers = {pid for _, pid in results.values()}
    assert len(workers) == 2 and os.getpid() not in workers


def test_a_worker_error_reaches_the_build_and_leaves_no_worker(big_hub):
    def fail(n: int) -> int:
        if n == 50:
            raise ValueError("worker broke")
        return n

    with pytest.raises(ValueError, match="worker broke"):
        list(map_unordered(fail, list(range(100)), jobs=2))
    import multiprocessing
    assert multiprocessing.active_children() == []


@pytest.fixture
def deadline():
    """Fail a test that would hang, instead of hanging the suite."""
    def expired(signum, frame):
        raise TimeoutError("the build hung")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_worker_killed_mid_work_fails_the_map_instead_of_hanging_it(deadline):
    def die(n: int) -> int:
        if n == 50:
            os.kill(os.getpid(), signal.SIGKILL)   # as the kernel's out-of-memory killer does
        time.sleep(0.001)
        return n

    with pytest.raises(WorkerLost, match=r"killed by signal 9.*--jobs 1"):
        list(map_unordered(die, list(range(100)), jobs=2))
    import multiprocessing
    assert multiprocessing.active_children() == []


def test_workers_forked_beside_a_thread_writing_to_stderr_finish(monkeypatch):
    # As in `hubgen serve`: maps run in a thread while another thread writes to the
    # standard error stream, a pipe read slowly, so that at each fork it most likely
    # waits in the middle of a write, holding the stream's lock.
    read_end, write_end = os.pipe()
    done = threading.Event()
    maps: list[dict[int, int]] = []

    def write(stream) -> None:
        while not done.is_set():
            stream.write("x" * 10_000)

    def drain() -> None:
        with open(read_end, "rb", buffering=0) as pipe:
            while pipe.read(4096):
                time.sleep(0.001)

    def map_in_a_thread() -> None:
        maps.append(dict(map_unordered(abs, list(range(-50, 50)), jobs=2)))

    with open(write_end, "w") as stream:
        monkeypatch.setattr(sys, "stderr", stream)
        writer = threading.Thread(target=write, args=(stream,), daemon=True)
        writer.start()
        threading.Thread(target=drain, daemon=True).start()
        hung = False
        for _ in range(5):
            mapping = threading.Thread(target=map_in_a_thread, daemon=True)
            mapping.start()
            mapping.join(timeout=20)
            if mapping.is_alive():
                hung = True
                for pid in child_processes(os.getpid()):   # what the hung map left
                    os.kill(pid, signal.SIGKILL)
                break
        done.set()
        writer.join(timeout=10)
        monkeypatch.undo()
    assert not hung, "a worker waited for ever on a lock another thread held at the fork"
    assert maps == [{index: abs(n) for index, n in enumerate(range(-50, 50))}] * 5


def _say_then_fail(n: int) -> int:
    if n == 50:
        print(f"worker says {n}", file=sys.stderr)
        raise ValueError("worker broke")
    time.sleep(0.01)   # the workers are still busy when the failure terminates them
    return n


def test_what_a_worker_writes_before_it_fails_is_not_lost(capfd):
    with pytest.raises(ValueError, match="worker broke"):
        list(map_unordered(_say_then_fail, list(range(100)), jobs=2))
    assert "worker says 50" in capfd.readouterr().err


def test_a_worker_killed_during_a_build_leaves_the_output_untouched(big_hub, deadline,
                                                                   monkeypatch):
    first = build_site(_options(big_hub, jobs=2, cache=True))
    before = _tree(big_hub / "public")
    from hubgen.build import rendering
    render = rendering._RouteRenderer.__call__

    def die_on_the_recap(self, index):
        if self.routes[index].output == "posts/recap/index.html":
            os.kill(os.getpid(), signal.SIGKILL)
        return render(self, index)

    monkeypatch.setattr(rendering._RouteRenderer, "__call__", die_on_the_recap)
    with pytest.raises(WorkerLost):
        build_site(_options(big_hub, jobs=2, cache=False))
    assert _tree(big_hub / "public") == before
    assert not (big_hub / ".public.hubgen-staging").exists()
    assert first.page_count > 2 * 16   # enough pages that the workers were forked


def test_meanwhile_runs_here_once_while_the_workers_already_work(deadline):
    import multiprocessing
    started = multiprocessing.get_context("fork").Event()

    def work(n: int) -> int:
        started.set()
        return n

    seen: list[tuple[int, bool]] = []
    results = dict(map_unordered(work, list(range(100)), jobs=2,
                                 meanwhile=lambda: seen.append((os.getpid(),
                                                                started.wait(30)))))
    assert sorted(results) == list(range(100))
    assert seen == [(os.getpid(), True)]   # here, and the work had begun before it ran
    serial: list[int] = []
    list(map_unordered(work, list(range(100)), jobs=1, meanwhile=lambda: serial.append(1)))
    assert serial == []


def test_render_workers_use_the_templates_compiled_here_while_they_read(big_hub, tmp_path,
                                                                        monkeypatch):
    from hubgen.render.templates import SiteEnvironment
    log = tmp_path / "compiled.log"
    compile_template = SiteEnvironment.compile

    def noted(self, source, name=None, filename=None, *args, **kwargs):
        with log.open("a") as file:
            file.write(f"{os.getpid()} {name}\n")
        return compile_template(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(SiteEnvironment, "compile", noted)
    result = build_site(_options(big_hub, jobs=2, cache=False))
    assert result.page_count > 2 * 16   # enough pages that the workers were forked
    compiled = [line.split(" ", 1) for line in log.read_text().splitlines()]
    here = {name for pid, name in compiled if pid == str(os.getpid())}
    assert {"post.html", "base.html", "partials/head.html"} <= here
    # A worker compiles only what no plain name reaches: the theme's page.html, which
    # the site's own page.html extends as "!theme/page.html".
    assert {name for pid, name in compiled if pid != str(os.getpid())} <= {"!theme/page.html"}


def test_a_template_that_does_not_compile_is_reported_by_a_parallel_build(big_hub):
    (big_hub / "templates/post.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ document.title | nosuchfilter }}\n'
        "{% endblock %}\n")
    with pytest.raises(SourceErrors) as failed:
        build_site(_options(big_hub, jobs=2))
    assert [(d.path.name, d.line) for d in failed.value.diagnostics] == [("post.html", 3)]
    assert "No filter named 'nosuchfilter'" in failed.value.diagnostics[0].message


def test_a_meanwhile_that_fails_leaves_no_worker(deadline):
    import multiprocessing

    def broken() -> None:
        raise RuntimeError("meanwhile broke")

    with pytest.raises(RuntimeError, match="meanwhile broke"):
        list(map_unordered(abs, list(range(100)), jobs=2, meanwhile=broken))
    assert multiprocessing.active_children() == []


def test_a_template_edited_while_a_build_reads_is_rendered_again_by_the_next(
        big_hub, tmp_path, monkeypatch):
    from hubgen.build import pipeline
    template = big_hub / "templates/post.html"
    template.write_text('{% extends "!theme/post.html" %}{% block content %}<p>FIRST</p>'
                        "{{ super() }}{% endblock %}")
    read_and_build_library = pipeline.build_library

    def edit_then_build_library(*args, **kwargs):
        # After the read, where a parallel build compiled the templates as they were.
        template.write_text(template.read_text().replace("FIRST", "EDITED"))
        return read_and_build_library(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_library", edit_then_build_library)
    build_site(_options(big_hub, jobs=2, cache=True))
    monkeypatch.undo()
    build_site(_options(big_hub, jobs=2, cache=True))
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)
    assert "<p>EDITED</p>" in (big_hub / "public/posts/recap/index.html").read_text()


def test_an_unused_template_that_cannot_compile_does_not_stop_a_parallel_build(big_hub):
    # Jinja's compiler recurses into each parenthesis: this raises RecursionError.
    (big_hub / "templates/unused-draft.html").write_text(
        "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}")
    result = build_site(_options(big_hub, jobs=2))
    assert result.page_count > 2 * 16   # enough pages that the workers were forked


@pytest.mark.parametrize("damage", ["deleted", "truncated", "garbage", "flipped byte",
                                    "other format", "other version"])
def test_a_damaged_or_foreign_cache_is_rebuilt_never_trusted(big_hub, tmp_path, damage):
    build_site(_options(big_hub, cache=True))
    cache_file = big_hub / ".hubgen-cache" / CACHE_FILE
    data = cache_file.read_bytes()
    header, _, payload = data.partition(b"\n")
    CHANGES["post body"](big_hub)
    if damage == "deleted":
        shutil.rmtree(big_hub / ".hubgen-cache")
    elif damage == "truncated":
        cache_file.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        cache_file.write_bytes(os.urandom(4096))
    elif damage == "flipped byte":
        middle = len(data) // 2
        cache_file.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif damage == "other format":
        fields = header.split(b" ")
        fields[1] = b"0"
        cache_file.write_bytes(b" ".join(fields) + b"\n" + payload)
    else:
        fields = header.split(b" ")
        fields[2] = b"0.0.1"
        cache_file.write_bytes(b" ".join(fields) + b"\n" + payload)
    rebuilt = build_site(_options(big_hub, cache=True))
    assert rebuilt.parsed == len(list((big_hub / "content").rglob("*.*")))  # read afresh
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)
    after = build_site(_options(big_hub, cache=True))
    assert after.parsed == 0   # and a sound cache was written again


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("damage", ["flipped byte", "changed text"])
def test_a_damaged_compiled_template_is_compiled_afresh(big_hub, tmp_path, damage, jobs):
    build_site(_options(big_hub, jobs=jobs, cache=True))
    compiled = list((big_hub / ".hubgen-cache").rglob("__jinja2_*"))
    assert compiled
    for path in compiled:
        data = path.read_bytes()
        if damage == "flipped byte":   # a damaged code object can crash the interpreter
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0x5A]) + data[middle + 1:]
        else:   # text of the same length: it would be shown as it is
            data = data.replace(b"Skip to content", b"SKIP TO CONTENT")
        path.write_bytes(data)
    template = big_hub / "templates/page.html"   # every page is rendered again
    template.write_text(template.read_text() + "\n{# edited #}\n")
    build_site(_options(big_hub, jobs=jobs, cache=True))
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)
    assert b"SKIP TO CONTENT" not in (big_hub / "public/index.html").read_bytes()


def test_paths_come_back_from_the_cache_as_they_went_in(tmp_path):
    from hubgen.build.persist import _read_sealed, _write_sealed

    paths = [Path("/"), Path("/hub/content/posts/a b.md"), Path("relative/name.md"),
             Path("name.md"), Path("."), Path("/hub/content/posts/a b.md").parent]
    loaded = _read_sealed(tmp_path / "state", _write_sealed(tmp_path / "state", paths))
    assert loaded == paths
    assert [type(path) for path in loaded] == [type(path) for path in paths]
    assert [str(path) for path in loaded] == [str(path) for path in paths]
    assert b"_path_in" in (tmp_path / "state").read_bytes()   # as folder and name


def _shard_stamps(folder: Path) -> dict[str, int]:
    # A file written again is a new file (written beside, then moved in): a new inode.
    return {shard_file(n): (folder / shard_file(n)).stat().st_ino
            for n in range(SOURCE_SHARDS)}


def test_a_damaged_sources_file_costs_only_the_files_it_held(big_hub, tmp_path):
    build_site(_options(big_hub, cache=True))
    folder = big_hub / ".hubgen-cache"
    sources = sorted(str(p) for p in (big_hub / "content").resolve().rglob("*.*"))
    shard = shard_of(sources[0])
    held = [name for name in sources if shard_of(name) == shard]
    damaged = folder / shard_file(shard)
    data = damaged.read_bytes()
    middle = len(data) // 2
    damaged.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:])
    CHANGES["post body"](big_hub)
    rebuilt = build_site(_options(big_hub, cache=True))
    assert 0 < len(held) < len(sources)
    assert len(held) <= rebuilt.parsed <= len(held) + 1   # and the edited post
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)
    assert build_site(_options(big_hub, cache=True)).parsed == 0   # mended


def test_sources_files_written_for_another_build_cache_are_not_believed(big_hub, tmp_path):
    # A build whose sources files were written but whose build.cache could not be
    # (a full disk): the next build reads the older build.cache, which must not vouch
    # for sources parsed under another config.
    (big_hub / "content/posts/linked.md").write_text(
        "---\ntitle: Linked\ndate: 2026-03-01\nauthor: ana\n---\nSee [the recap](/posts/recap/).\n")
    config = big_hub / "hubgen.yaml"
    original = config.read_text()
    build_site(_options(big_hub, cache=True))
    main = big_hub / ".hubgen-cache" / CACHE_FILE
    older = main.read_bytes()
    config.write_text(original.replace("url: https://talk.example/",
                                       "url: https://talk.example/hub/"))
    build_site(_options(big_hub, cache=True))
    assert 'href="/hub/posts/recap/"' in (big_hub / "public/posts/linked/index.html").read_text()
    config.write_text(original)
    main.write_bytes(older)
    rebuilt = build_site(_options(big_hub, cache=True))
    # Parsed again: what the sources files that changed hold (the others hold the same
    # bytes under both configs, so the older build.cache rightly vouches for them).
    assert 1 <= rebuilt.parsed < len(list((big_hub / "content").rglob("*.*")))
    assert 'href="/posts/recap/"' in (big_hub / "public/posts/linked/index.html").read_text()
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)


def test_an_edit_rewrites_only_the_sources_file_that_holds_it(big_hub):
    build_site(_options(big_hub, cache=True))
    folder = big_hub / ".hubgen-cache"
    before = _shard_stamps(folder)
    edited = big_hub / "content/posts/extra-05.md"
    edited.write_text(edited.read_text() + "\nOne more line.\n")
    assert build_site(_options(big_hub, cache=True)).parsed == 1
    after = _shard_stamps(folder)
    assert [name for name in after if after[name] != before[name]] == \
        [shard_file(shard_of(str(edited.resolve())))]
    assert "One more line." in (big_hub / "public/posts/extra-05/index.html").read_text()
    # What the rewritten file holds is believed by the next build, in a new process.
    again = run_hubgen("build", cwd=big_hub)
    assert again.code == 0, again.err
    assert "0 source files parsed" in again.out


def test_no_cache_neither_reads_nor_writes_the_cache(big_hub, tmp_path):
    result = run_hubgen("build", "--no-cache", cwd=big_hub)
    assert result.code == 0, result.err
    assert not (big_hub / ".hubgen-cache").exists()
    assert "cache:" not in result.out
    assert run_hubgen("build", cwd=big_hub).code == 0
    cache_file = big_hub / ".hubgen-cache" / CACHE_FILE
    before = cache_file.read_bytes(), cache_file.stat().st_mtime_ns
    CHANGES["post title"](big_hub)
    result = run_hubgen("build", "--no-cache", "--jobs", "2", cwd=big_hub)
    assert result.code == 0, result.err
    assert (cache_file.read_bytes(), cache_file.stat().st_mtime_ns) == before
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)


def test_an_output_file_changed_by_hand_is_written_again(big_hub, tmp_path):
    build_site(_options(big_hub, cache=True))
    page = big_hub / "public/posts/recap/index.html"
    page.write_text("edited by hand")
    (big_hub / "public/tags").rename(tmp_path / "tags-moved-away")
    result = build_site(_options(big_hub, cache=True))
    assert "posts/recap/index.html" in result.report.written
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)


def test_the_cache_follows_cache_dir_and_is_tagged_for_backup_tools(big_hub):
    config = big_hub / "hubgen.yaml"
    config.write_text(config.read_text() + "cache_dir: build-cache\n")
    assert run_hubgen("build", cwd=big_hub).code == 0
    assert (big_hub / "build-cache" / CACHE_FILE).is_file()
    assert (big_hub / "build-cache/CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    assert not (big_hub / ".hubgen-cache").exists()


def test_jobs_must_be_a_positive_number(big_hub):
    result = run_hubgen("build", "--jobs", "0", cwd=big_hub)
    assert result.code == 2
    assert "--jobs" in result.err


def test_verbose_names_the_slowest_templates_and_pages(big_hub):
    result = run_hubgen("build", "--verbose", cwd=big_hub)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    templates = lines.index("  slowest templates (total, pages, mean):")
    assert any(line.endswith("post.html") for line in lines[templates:templates + 11])
    pages = lines.index("  slowest pages:")
    assert len([line for line in lines[pages + 1:pages + 11] if " ms  " in line]) == 10


@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_ctrl_c_during_a_parallel_build_leaves_no_process_and_the_output_untouched(tmp_path,
                                                                                   cached):
    # A terminal's Ctrl-C goes to the whole foreground process group.
    _stop_a_parallel_build(tmp_path, cached, lambda pid: os.killpg(pid, signal.SIGINT))


def test_sigterm_during_a_parallel_build_stops_it_as_ctrl_c_does(tmp_path):
    # A cancelled CI job, `timeout` or `docker stop` sends SIGTERM to the build alone: it
    # used to die at once, leaving its staging folder and lock beside the output and its
    # half-written cache files behind.
    _stop_a_parallel_build(tmp_path, True, lambda pid: os.kill(pid, signal.SIGTERM))


_POOL_INTERRUPTED = """
import os, signal, time
import multiprocessing.context
from hubgen.build import workers
from hubgen.build.output import stop_as_interrupt

stop_as_interrupt()   # as the hubgen command does
set_up = workers._worker_started
def slow_set_up():
    time.sleep(1)   # still being set up when the pool's terminate comes
    set_up()
workers._worker_started = slow_set_up
make_pool = multiprocessing.context.ForkContext.Pool
def pool_then_ctrl_c(self, *args, **kwargs):
    pool = make_pool(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGINT)   # a Ctrl-C while the workers are made
    return pool
multiprocessing.context.ForkContext.Pool = pool_then_ctrl_c
try:
    list(workers.map_unordered(abs, list(range(200)), jobs=2))
except KeyboardInterrupt:
    print("interrupted")
"""


def test_a_ctrl_c_while_the_workers_are_made_ends_a_worker_still_setting_up():
    # A worker is born with the build's handlers: one still setting up took the pool's
    # terminate (SIGTERM) as the build's own SIGTERM, noted it and ran on; the build then
    # waited for it for ever.
    run = subprocess.run([sys.executable, "-c", _POOL_INTERRUPTED], env=clean_env(),
                         capture_output=True, text=True, timeout=60)
    assert run.stdout == "interrupted\n", run.stderr


def _stop_a_parallel_build(tmp_path: Path, cached: bool, stop: Callable[[int], None]) -> None:
    """Stop a parallel build once its workers write pages; check that it cleaned up."""
    # With the cache, enough sources that another process writes them (EARLY_WRITE_MINIMUM).
    root = write_corpus(tmp_path / "hub", posts=600 if cached else 400, threads=20)
    flags = [] if cached else ["--no-cache"]
    assert run_hubgen("build", *flags, cwd=root).code == 0
    before = _tree(root / "public")
    cache_before = _tree(root / ".hubgen-cache") if cached else {}
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("title: Benchmark Hub", "title: Renamed Hub"))
    staging = root / ".public.hubgen-staging"
    # The build runs in a process group of its own, the one a Ctrl-C would reach.
    process = subprocess.Popen([sys.executable, "-m", "hubgen", "build", "--jobs", "2",
                                *flags], cwd=root, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (len(child_processes(process.pid)) >= 2 and staging.is_dir()
               and any(staging.rglob("*.html"))):
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    workers = child_processes(process.pid)
    stop(process.pid)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Interrupted: the previous output is untouched." in err
    assert "Traceback" not in err
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)   # nobody of the build's group is left
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    assert not staging.exists()
    assert not (root / ".public.hubgen-lock").exists()
    assert _tree(root / "public") == before
    if cached:   # the sources written meanwhile were never moved in, and are gone
        after = _tree(root / ".hubgen-cache")
        assert {n: h for n, h in after.items() if not n.startswith("templates/")} == \
            {n: h for n, h in cache_before.items() if not n.startswith("templates/")}


@pytest.mark.parametrize("partial, text, pages_at_least", [
    ("footer.html", '<footer><img src="{{ asset(\'icon.svg\') }}" alt=""></footer>\n',
     EXTRA_POSTS),
    ("post-card.html", '{% macro post_card(doc, heading=2, show_image=true) %}<article>'
     '<img src="{{ asset(\'icon.svg\') }}" alt=""><a href="{{ link(doc) }}">{{ doc.title }}'
     "</a></article>{% endmacro %}", 10),
], ids=["cached_partial", "card"])
def test_an_asset_linked_from_a_partial_made_once_counts_on_every_page_that_shows_it(
        big_hub, tmp_path, partial, text, pages_at_least):
    # The footer (cached_partial) and each post's card (card) are made once and reused:
    # the pages that reuse them must still count the asset they link, or they would keep
    # its old fingerprint.
    (big_hub / "static").mkdir(exist_ok=True)
    icon = big_hub / "static/icon.svg"
    icon.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (big_hub / "templates/partials").mkdir()
    (big_hub / "templates/partials" / partial).write_text(text)
    build_site(_options(big_hub, jobs=2, cache=True))
    icon.write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>')
    build_site(_options(big_hub, jobs=2, cache=True))
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)
    pages = [p for p in (big_hub / "public").rglob("*.html") if "icon.svg?v=" in p.read_text()]
    assert len(pages) > pages_at_least


def test_cached_partials_change_no_byte_of_the_demo(monkeypatch):
    from markupsafe import Markup

    from hubgen.render.renderer import Renderer
    demo = Path(__file__).parent.parent
    options = BuildOptions(root=demo, now=NOW, drafts=True, future=True, jobs=1)
    cached = build_site(options, write=False).files

    def render_every_time(self, name, *variants, **context):
        return Markup(self.env.get_template(name).render(context))

    monkeypatch.setattr(Renderer, "cached_partial", render_every_time)
    uncached = build_site(options, write=False).files
    assert cached.keys() == uncached.keys()
    assert [name for name in cached if cached[name] != uncached[name]] == []


def test_no_cache_never_reads_a_cache_even_a_sound_looking_one(big_hub):
    from hubgen.build.persist import load_cache, save_cache
    build_site(_options(big_hub, cache=True))
    recap = big_hub / "content/posts/2026-03-12-recap.md"
    cache = load_cache(big_hub / ".hubgen-cache")
    content_hash, document, found = cache.sources[str(recap)]
    poisoned = dataclasses.replace(document, title="POISONED TITLE")
    cache.remember(recap, content_hash, poisoned, found)
    cache.outputs.clear()
    save_cache(cache, big_hub / ".hubgen-cache")
    shutil.rmtree(big_hub / "public")
    result = run_hubgen("build", "--no-cache", cwd=big_hub)
    assert result.code == 0, result.err
    assert "POISONED" not in (big_hub / "public/posts/recap/index.html").read_text()
    # The control: the same cache, read, is believed (its checksum is sound).
    assert run_hubgen("build", cwd=big_hub).code == 0
    assert "POISONED" in (big_hub / "public/posts/recap/index.html").read_text()


def test_a_cache_folder_that_cannot_be_written_costs_a_warning_not_the_build(big_hub):
    (big_hub / ".hubgen-cache").write_text("a file where the cache folder would go")
    result = run_hubgen("build", cwd=big_hub)
    assert result.code == 0, result.err
    assert "the build cache could not be written" in result.err
    assert (big_hub / "public/posts/recap/index.html").is_file()


def test_deleted_files_leave_the_cache(big_hub):
    from hubgen.build.persist import load_cache
    build_site(_options(big_hub, cache=True))
    gone = big_hub / "content/posts/extra-00.md"
    assert str(gone) in load_cache(big_hub / ".hubgen-cache").sources
    gone.unlink()
    build_site(_options(big_hub, cache=True))
    cache = load_cache(big_hub / ".hubgen-cache")
    assert str(gone) not in cache.sources and str(gone) not in cache.hashes
    assert len(cache.sources) == len(list((big_hub / "content").rglob("*.*")))


def test_a_build_hands_back_to_the_collector_all_it_set_aside(big_hub):
    import gc
    # Python 3.12 sets a few hundred objects of its own aside as it starts; hubgen takes
    # them for the interpreter's, not for a host program's, and sets its own aside too.
    at_start = gc.get_freeze_count()
    frozen_in_build = []
    build_site(_options(big_hub, jobs=2, cache=True),
               progress=lambda *_: frozen_in_build.append(gc.get_freeze_count()))
    assert max(frozen_in_build) > at_start + 1000
    assert gc.get_freeze_count() == 0   # a long-lived process (serve, tests) keeps nothing
    CHANGES["post body"](big_hub)
    build_site(_options(big_hub, jobs=2, cache=True))
    assert gc.get_freeze_count() == 0
    build_site(_options(big_hub, jobs=2), cache=BuildCache(), write=False)
    assert gc.get_freeze_count() == 0
    (big_hub / "content/posts/broken.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    with pytest.raises(SourceErrors):
        build_site(_options(big_hub, jobs=2, cache=True))
    assert gc.get_freeze_count() == 0


def test_a_build_leaves_alone_what_a_host_set_aside_before_it_loaded_hubgen(big_hub):
    # A program that sets its objects aside, then loads hubgen (lazily, say): they are not
    # the interpreter's, and a build hands none of them back.
    program = ("import gc, sys\n"
               "held = [[n] for n in range(5000)]\n"
               "gc.freeze()\n"
               "frozen = gc.get_freeze_count()\n"
               "from hubgen.build import BuildOptions, build_site\n"
               "from pathlib import Path\n"
               "build_site(BuildOptions(root=Path(sys.argv[1]), jobs=2, cache=True))\n"
               "print(frozen, gc.get_freeze_count())\n")
    run = subprocess.run([sys.executable, "-c", program, str(big_hub)], capture_output=True,
                         text=True, timeout=120, env=clean_env())
    assert run.returncode == 0, run.stderr
    before, after = map(int, run.stdout.split())
    # (A few of those set aside are let go meanwhile: the program's, as it runs on.)
    assert before > 5000 and before - 100 < after <= before


def test_a_build_leaves_alone_what_its_host_program_set_aside(big_hub):
    import gc
    held = [object() for _ in range(3)]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        build_site(_options(big_hub, jobs=2, cache=True))
        assert gc.get_freeze_count() == frozen   # theirs still set aside, nothing of ours
    finally:
        gc.unfreeze()
    assert held


def test_a_first_build_hashes_each_source_where_it_is_parsed(big_hub, monkeypatch):
    hashed_here = []
    content_hash = BuildCache.content_hash
    monkeypatch.setattr(BuildCache, "content_hash",
                        lambda self, path: hashed_here.append(path) or content_hash(self, path))
    build_site(_options(big_hub, cache=True, jobs=2))
    # Not one after another in the build process before the workers start: a first build
    # knows it parses every file, and each worker hashes the files it parses.
    assert hashed_here == []
    cache = load_cache(big_hub / ".hubgen-cache")
    sources = [p for p in (big_hub / "content").rglob("*.*")]
    assert len(cache.hashes) == len(sources) > EXTRA_POSTS
    for path in sources:
        expected = xxhash.xxh3_128_hexdigest(path.read_bytes())
        assert cache.hashes[str(path)][1] == cache.sources[str(path)][0] == expected
    again = build_site(_options(big_hub, cache=True, jobs=2))
    assert (again.parsed, again.rendered) == (0, 0)
    assert len(hashed_here) == len(sources)   # known files: hashed here, to look them up


def test_a_written_file_is_stamped_as_it_is_written_not_looked_up_again(big_hub, monkeypatch):
    from hubgen.build import rendering
    looked_up = []
    file_stamp = rendering._file_stamp
    monkeypatch.setattr(rendering, "_file_stamp",
                        lambda path: looked_up.append(path) or file_stamp(path))
    first = build_site(_options(big_hub, cache=True, jobs=2))
    assert looked_up == []
    outputs = load_cache(big_hub / ".hubgen-cache").outputs
    assert len(outputs) == len(first.report.written) > 2 * EXTRA_POSTS
    for name, entry in outputs.items():
        stat = os.stat(big_hub / "public" / name)
        assert entry.written == (stat.st_size, stat.st_mtime_ns), name
    again = build_site(_options(big_hub, cache=True, jobs=2))
    assert (again.parsed, again.rendered) == (0, 0)


def test_the_outputs_kept_on_disk_load_back_as_the_build_held_them(big_hub):
    cache = BuildCache()
    build_site(_options(big_hub, cache=True, jobs=2), cache=cache)
    held = {name: dataclasses.replace(entry, data=None) for name, entry in cache.outputs.items()}
    assert len(held) > 2 * EXTRA_POSTS
    assert all(entry.written is not None and entry.items is not None for entry in held.values())
    assert any(entry.lists for entry in held.values())
    assert any(entry.assets for entry in held.values())
    loaded = load_cache(big_hub / ".hubgen-cache").outputs
    assert loaded == held
    assert all(type(entry) is type(held[name]) for name, entry in loaded.items())
    # Kept as columns, the few distinct asset lists are written once each.
    assets = {id(entry.assets) for entry in loaded.values()}
    assert len(assets) == len({entry.assets for entry in loaded.values()})


def test_every_kind_of_output_entry_is_kept_on_disk_as_it_was_but_its_bytes():
    from hubgen.build.cache import CachedOutput
    from hubgen.build.persist import _output_columns, _outputs_from_columns
    assets = (("/css/hub.css", "22bd914dfc"),)
    outputs = {
        "a/index.html": CachedOutput("f1", tuple(assets), b"<html>", (10, 1), ("posts/a.md",),
                                     (("posts", "t1"),)),
        "b/index.html": CachedOutput("f2", tuple(list(assets)), None, (20, 2), None,
                                     (("posts", "t1"), ("threads", "t2"))),
        "feed.xml": CachedOutput("f3", (), None, (30, 3), ()),
        "never-written.html": CachedOutput("f4", assets, b"x", None, ("posts/a.md",)),
    }
    # Equal tuples made apart, as the workers make them: shared once kept.
    outputs["c/index.html"] = CachedOutput("f5", tuple(list(assets)), None, (40, 4), ("c.md",),
                                           tuple(list(outputs["a/index.html"].lists)))
    loaded = _outputs_from_columns(pickle.loads(pickle.dumps(_output_columns(outputs))))
    assert loaded == {name: dataclasses.replace(entry, data=None)
                      for name, entry in outputs.items() if entry.written is not None}
    assert loaded["b/index.html"].items is None and loaded["feed.xml"].items == ()
    assert loaded["a/index.html"].assets is loaded["b/index.html"].assets \
        is loaded["c/index.html"].assets
    assert loaded["a/index.html"].lists is loaded["c/index.html"].lists


def _gone(pid: int) -> bool:
    """Whether a child process of this one has ended and been reaped."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _sealed_by(monkeypatch, log: Path, fail_elsewhere: bool = False) -> list[int]:
    """Note which process writes each cache file (into `log`: a forked writer's memory is
    its own); with `fail_elsewhere`, a process other than this one fails to write.
    Returns the list the process id of each writer the builds start goes into."""
    from hubgen.build import persist, pipeline
    builder = os.getpid()
    seal, start = persist._seal, persist.write_sources_early
    started: list[int] = []

    def noted(path, state):
        if fail_elsewhere and os.getpid() != builder:
            raise OSError("no space left on the device")
        with log.open("a") as file:
            file.write(f"{os.getpid()} {path.name}\n")
        return seal(path, state)

    def starting(*args):
        writer = start(*args)
        started.append(writer.pid)
        return writer
    monkeypatch.setattr(persist, "_seal", noted)
    monkeypatch.setattr(persist, "EARLY_WRITE_MINIMUM", 0)
    monkeypatch.setattr(pipeline, "write_sources_early", starting)
    return started


def _writers(log: Path) -> dict[str, int]:
    """The process that wrote each cache file, by the file's name without extensions."""
    written = {}
    for line in log.read_text().splitlines():
        pid, name = line.split()
        written[name.lstrip(".").split(".")[0]] = int(pid)
    return written


def _temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_the_sources_are_written_to_the_cache_by_another_process_meanwhile(big_hub, tmp_path,
                                                                          monkeypatch):
    log = tmp_path / "sealed.log"
    started = _sealed_by(monkeypatch, log)
    build_site(_options(big_hub, cache=True, jobs=2))
    writers = _writers(log)
    assert writers.pop("build") == os.getpid()
    assert sorted(writers) == [f"sources-{n:02d}" for n in range(SOURCE_SHARDS)]
    assert set(writers.values()) == set(started) and os.getpid() not in started
    assert _gone(started[0])
    assert not _temporaries(big_hub / ".hubgen-cache")
    again = build_site(_options(big_hub, cache=True, jobs=2))
    assert (again.parsed, again.rendered) == (0, 0)
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)


def test_a_sources_writer_that_fails_leaves_the_writing_to_the_build(big_hub, tmp_path,
                                                                    monkeypatch):
    log = tmp_path / "sealed.log"
    started = _sealed_by(monkeypatch, log, fail_elsewhere=True)
    result = build_site(_options(big_hub, cache=True, jobs=2))
    assert result.warnings == [] and len(started) == 1 and _gone(started[0])
    assert set(_writers(log).values()) == {os.getpid()}
    assert len(_writers(log)) == SOURCE_SHARDS + 1
    assert not _temporaries(big_hub / ".hubgen-cache")
    again = build_site(_options(big_hub, cache=True, jobs=2))
    assert (again.parsed, again.rendered) == (0, 0)


def test_a_build_that_fails_after_the_read_leaves_no_writer_nor_its_files(big_hub, tmp_path,
                                                                         monkeypatch):
    build_site(_options(big_hub, cache=True, jobs=2))
    folder = big_hub / ".hubgen-cache"
    before = {n: h for n, h in _tree(folder).items() if not n.startswith("templates/")}
    started = _sealed_by(monkeypatch, tmp_path / "sealed.log")
    edited = big_hub / "content/posts/extra-00.md"
    edited.write_text(edited.read_text() + "\nOne more paragraph.\n")
    (big_hub / "templates/post.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ document.title | nosuchfilter }}'
        "{% endblock %}")
    with pytest.raises(SourceErrors):
        build_site(_options(big_hub, cache=True, jobs=2))
    assert len(started) == 1 and _gone(started[0])
    after = {n: h for n, h in _tree(folder).items() if not n.startswith("templates/")}
    assert after == before   # nothing it wrote was moved in, nothing of it is left


def test_a_writer_abandoned_mid_way_is_stopped_and_its_files_removed(tmp_path):
    from hubgen.build.persist import write_sources_early
    cache = BuildCache()
    for number in range(2000):   # enough to pickle that it is stopped while writing
        name = str(tmp_path / f"post-{number}.md")
        cache.sources[name] = (f"{number:032x}", "x" * 100_000 + str(number), [])
    cache.touched = None
    on_exit = []
    writer = write_sources_early(cache, tmp_path / "cache", on_exit.append)
    assert writer is not None and on_exit == [writer.abandon]
    pid = writer.pid
    writer.abandon()
    assert _gone(pid)
    assert not _temporaries(tmp_path / "cache")
    writer.abandon()   # twice, or after finish(): nothing more to do, no error


def test_a_writer_that_never_finishes_is_stopped_and_the_build_writes_the_files(tmp_path,
                                                                              monkeypatch):
    from hubgen.build import persist
    from hubgen.build.persist import save_cache, write_sources_early
    cache = BuildCache()
    for number in range(600):
        cache.sources[str(tmp_path / f"post-{number}.md")] = (f"{number:032x}", "x", [])
    cache.touched = None
    folder = tmp_path / "cache"
    with monkeypatch.context() as patched:   # a writer that hangs: it never reports
        patched.setattr(persist, "_seal", lambda path, state: time.sleep(3600))
        writer = write_sources_early(cache, folder, lambda abandon: None)
    assert writer is not None
    pid = writer.pid
    finished = []
    waiting = threading.Thread(target=lambda: finished.append(writer.finish(timeout=0.5)),
                               daemon=True)
    waiting.start()
    waiting.join(30)
    if waiting.is_alive():
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the build waited on a writer that never finishes")
    assert finished == [{}]
    assert _gone(pid) and not _temporaries(folder)
    save_cache(cache, folder, writer)
    assert not _temporaries(folder)
    assert load_cache(folder).sources == cache.sources


def test_the_leftovers_of_a_killed_build_are_swept_from_the_cache(big_hub):
    folder = big_hub / ".hubgen-cache"
    build_site(_options(big_hub, cache=True))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = int(ended.stdout)
    templates = folder / "templates" / generation()
    leftovers = [folder / f".sources-03.cache.{dead}.early.tmp",
                 folder / f".build.cache.{dead}.tmp",
                 templates / f".__hubgen_reads_{'0' * 40}.json.{dead}.tmp"]
    alive = folder / f".sources-04.cache.{os.getpid()}.early.tmp"   # a build still writing
    alive_reads = templates / f".__hubgen_reads_{'1' * 40}.json.{os.getpid()}.tmp"
    code_dead = templates / f".__jinja2_{'2' * 40}.cache.{dead}.tmp"   # compiled code
    code_alive = templates / f".__jinja2_{'3' * 40}.cache.{os.getpid()}.tmp"
    for path in [*leftovers, alive, alive_reads, code_dead, code_alive]:
        path.write_bytes(b"half a file")
    edited = big_hub / "content/posts/extra-00.md"
    edited.write_text(edited.read_text() + "\nOne more paragraph.\n")
    build_site(_options(big_hub, cache=True))
    assert _temporaries(folder) == [alive.name]
    assert sorted(_temporaries(templates)) == sorted([alive_reads.name, code_alive.name])


@pytest.mark.parametrize("kept", [0, 2])
def test_cards_reused_or_forgotten_change_no_byte(big_hub, tmp_path, monkeypatch, kept):
    from hubgen.render import renderer
    build_site(_options(big_hub, jobs=2))
    reused = _tree(big_hub / "public")
    assert reused == _clean_tree(big_hub, tmp_path)
    # None kept (every card rendered on its page), or two (forgotten all the time).
    monkeypatch.setattr(renderer, "CARD_MEMO_SIZE", kept)
    shutil.rmtree(big_hub / "public")
    build_site(_options(big_hub, jobs=2))
    assert _tree(big_hub / "public") == reused


def test_a_card_is_rendered_once_for_every_listing_that_shows_it(big_hub, monkeypatch):
    import jinja2

    from hubgen.render.renderer import Renderer
    asked, rendered = [], []
    card, render_card = Renderer.card, Renderer._render_card

    @jinja2.pass_context
    def asking(self, context, item, **arguments):
        asked.append((item.rel_path, *sorted(arguments.items())))
        return card(self, context, item, **arguments)

    def rendering(self, item, arguments):
        rendered.append((item.rel_path, *sorted(arguments.items())))
        return render_card(self, item, arguments)
    monkeypatch.setattr(Renderer, "card", asking)
    monkeypatch.setattr(Renderer, "_render_card", rendering)
    build_site(_options(big_hub, jobs=1))
    assert len(asked) > 2 * len(set(asked)) > 2 * EXTRA_POSTS   # home, tags, authors, 404
    assert sorted(rendered) == sorted(set(asked))


def test_listings_render_last_by_their_newest_item_for_their_cards_to_be_near():
    from datetime import UTC, datetime

    from hubgen.build.rendering import _listings_by_newest_item
    from hubgen.plan.pagination import Pager

    def listing(path, day):
        pager = Pager(number=1, total=1, items=(), path=path, first_path=path,
                      previous_path=None, next_path=None, item_count=0, per_page=10)
        return Route(path=path, kind="html", template="tag.html", context={"pager": pager},
                     lastmod=datetime(2026, 1, day, tzinfo=UTC) if day else None)

    post = Route(path="/posts/a/", kind="html", template="post.html", context={})
    feed = Route(path="/feed.xml", kind="feed", context={"items": ()})
    routes = [listing("/tags/a/", 3), post, listing("/", 9), listing("/tags/empty/", 0),
              feed, listing("/tags/b/", 9), listing("/tags/c/", 5)]
    assert [r.path for r in _listings_by_newest_item(routes)] == [
        "/posts/a/", "/feed.xml", "/", "/tags/b/", "/tags/c/", "/tags/a/", "/tags/empty/"]


def _listings_calling_the_macro(root: Path) -> None:
    """The default theme's listings, as the site's own, calling `post_card` in the page."""
    theme = Path(__file__).resolve().parent.parent / "themes/default/templates"
    (root / "templates").mkdir(exist_ok=True)
    for name in ("index.html", "tag.html", "person.html", "404.html"):
        text = (theme / name).read_text()
        assert "{{ card(doc, " in text
        (root / "templates" / name).write_text(text.replace("{{ card(doc, ", "{{ post_card(doc, "))


@pytest.mark.parametrize("card_template", [None, "page variables", "other defaults"])
def test_a_card_is_what_the_macro_makes_in_the_page(big_hub, tmp_path, card_template):
    if card_template is not None:
        (big_hub / "templates/partials").mkdir(exist_ok=True)
        shown = '<p class="where">{{ pager.number }}/{{ route.path }}</p>' \
            if card_template == "page variables" else ""
        (big_hub / "templates/partials/post-card.html").write_text(
            '{% macro post_card(doc, heading=4, show_image=false) %}<article><h{{ heading }}>'
            '<a href="{{ link(doc) }}">{{ doc.title }}</a></h{{ heading }}>'
            '{% if show_image %}<img alt="">{% endif %}' + shown + "</article>{% endmacro %}")
    build_site(_options(big_hub, jobs=2))
    with_card = _tree(big_hub / "public")
    copy = tmp_path / "macro"
    shutil.copytree(big_hub, copy, ignore=shutil.ignore_patterns("public", ".hubgen-cache"))
    _listings_calling_the_macro(copy)
    build_site(_options(copy, jobs=1))
    assert _tree(copy / "public") == with_card
    second = (big_hub / "public/page/2/index.html").read_text()
    if card_template is not None:
        assert '<article><h2><a href="' in second and "<img" not in second
    if card_template == "page variables":   # each card saw the page it is on
        assert '<p class="where">2//page/2/</p>' in second


CARD_INCLUDING = ('{% macro post_card(doc, heading=2, show_image=true) %}<article>'
                  '<a href="{{ link(doc) }}">{{ doc.title }}</a>'
                  '{% include "partials/card-extra.html" %}</article>{% endmacro %}')
READS_THE_PAGE = '<span class="extra">{{ route.path }}</span>'


@pytest.mark.parametrize("edited", ["card", "template the card includes"])
@pytest.mark.parametrize("serving", [False, True], ids=["built", "served"])
def test_a_card_that_starts_reading_the_page_is_made_on_each_page_again(
        big_hub, tmp_path, edited, serving):
    # Whether cards can be kept is worked out once per template source and kept with the
    # compiled templates (render/compiled.py): an edit to the card, or to a template it
    # includes, must be seen, or every listing would show the first page's cards.
    partials = big_hub / "templates/partials"
    partials.mkdir(exist_ok=True)
    card, extra = partials / "post-card.html", partials / "card-extra.html"
    card.write_text(CARD_INCLUDING)
    extra.write_text('<span class="extra"></span>')
    cache = BuildCache() if serving else None
    options = _options(big_hub, jobs=2, cache=not serving)
    build_site(options, cache=cache)
    if edited == "card":
        card.write_text(CARD_INCLUDING.replace('{% include "partials/card-extra.html" %}',
                                               READS_THE_PAGE))
    else:
        extra.write_text(READS_THE_PAGE)
    build_site(options, cache=cache)
    assert _tree(big_hub / "public") == _clean_tree(big_hub, tmp_path)
    second = (big_hub / "public/page/2/index.html").read_text()
    assert second.count('<span class="extra">/page/2/</span>') == 10


def test_what_the_card_reads_is_kept_and_a_damaged_record_of_it_is_ignored(
        big_hub, tmp_path, monkeypatch):
    import hubgen.render.compiled as compiled

    build_site(_options(big_hub, jobs=1, cache=True))
    kept = list((big_hub / ".hubgen-cache/templates").glob("*/__hubgen_reads_*.json"))
    assert len(kept) == 3   # the card and the two partials it imports (badge, kind)
    unparsed = compiled._read_from_tree

    def never(env, source):
        raise AssertionError("a template was parsed again though its source is the same")

    monkeypatch.setattr(compiled, "_read_from_tree", never)
    build_site(_options(big_hub, jobs=1, cache=True, output=tmp_path / "second"))
    assert _tree(tmp_path / "second") == _tree(big_hub / "public")
    monkeypatch.setattr(compiled, "_read_from_tree", unparsed)
    for record in kept:
        record.write_bytes(b'{"checksum": 12, "variables": "x"')   # cut short, wrong types
    build_site(_options(big_hub, jobs=1, cache=True, output=tmp_path / "third"))
    assert _tree(tmp_path / "third") == _tree(big_hub / "public")
    assert all(record.read_bytes().startswith(b'{"checksum": "') for record in kept)


def test_compiled_templates_are_kept_whole_and_the_next_build_compiles_none(big_hub, tmp_path,
                                                                            monkeypatch):
    from hubgen.render.templates import SiteEnvironment
    build_site(_options(big_hub, jobs=1, cache=True))
    folder = next((big_hub / ".hubgen-cache/templates").iterdir())
    assert len(list(folder.glob("__jinja2_*.cache"))) > 5 and not _temporaries(folder)

    def never(self, *args, **kwargs):
        raise AssertionError("a template was compiled again though its source is the same")

    monkeypatch.setattr(SiteEnvironment, "compile", never)
    build_site(_options(big_hub, jobs=1, cache=True, output=tmp_path / "second"))
    assert _tree(tmp_path / "second") == _tree(big_hub / "public")


def test_a_threads_newest_date_is_worked_out_once_and_never_stored(hub):
    from hubgen.build.fingerprints import digest

    result = build_site(BuildOptions(root=hub("conversations")), write=False)
    thread = max(result.library.threads, key=lambda t: len(t.messages))
    fresh = dataclasses.replace(thread)   # as read from its file: nothing worked out yet
    before = (pickle.dumps(fresh), digest(fresh))
    assert fresh.lastmod is fresh.lastmod == max(m.date for m in fresh.messages if m.date)
    # What the cache stores and what a fingerprint hashes is the thread's file, however
    # often its newest date was asked for.
    assert (pickle.dumps(fresh), digest(fresh)) == before
