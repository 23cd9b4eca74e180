"""`hubgen serve` over real HTTP: base path, content types, 404s, traversal, ports, stopping,
debounced rebuilds, atomic saves, the error overlay, what build would publish, and big
rebuilds on every worker while the server runs."""

from __future__ import annotations

import gc
import http.client
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import run_hubgen
from serving import child_processes, serving, wait_until

from benchmarks.corpus import write_corpus
from hubgen.build import BuildOptions, build_site
from hubgen.content.models import Document
from hubgen.serve import ServeOptions, ServeSession

DEFAULT_TEMPLATES = Path(__file__).parent.parent / "themes/default/templates"


def test_serves_the_site_at_its_base_path_with_the_right_content_types(hub):
    root = hub("subpath")
    with serving(root, "--port", "0", "--no-drafts") as site:
        assert site.url.endswith("/hub/")
        status, headers, body = site.get("/hub/")
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
        assert b"__hubgen/events" in body, "the reload script is injected"
        # Redirects a browser never keeps: the base path or the folder may go at a save.
        status, headers, _ = site.get("/?utm=x")
        assert (status, headers["location"], headers["cache-control"]) == \
            (302, "/hub/?utm=x", "no-store")
        status, headers, _ = site.get("/hub/posts/second")
        assert (status, headers["location"], headers["cache-control"]) == \
            (302, "/hub/posts/second/", "no-store")
        for path, kind in [("/hub/feed.xml", "application/xml; charset=utf-8"),
                           ("/hub/css/hub.css", "text/css; charset=utf-8"),
                           ("/hub/images/cup.svg", "image/svg+xml"),
                           ("/hub/data/info.json", "application/json"),
                           ("/hub/site.webmanifest", "application/manifest+json"),
                           ("/hub/robots.txt", "text/plain; charset=utf-8")]:
            status, headers, body = site.get(path)
            assert (status, headers["content-type"]) == (200, kind), path
            assert b"__hubgen" not in body
        status, headers, body = site.get("/hub/no/such/page/")
        assert status == 404 and b"__hubgen/events" in body
        assert b"Page not found" in body or b"not found" in body.lower()
        status, _, _ = site.get("/hub/images/")
        assert status == 404, "no folder listings"
        status, _, body = site.get("/hub/", method="HEAD")
        assert status == 200 and body == b""
        code, printed = site.stop()
    assert code == 0
    assert "Stopped." in printed and "Traceback" not in printed
    assert not (root / "public").exists(), "serve never writes the output folder"


def test_nothing_outside_the_site_is_ever_served(hub, tmp_path):
    root = hub("subpath")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    (root / "static/leak.txt").symlink_to(secret)
    (root / "static/leakdir").symlink_to(tmp_path)
    with serving(root, "--port", "0") as site:
        for path in ["/hub/../hubgen.yaml", "/hub/%2e%2e/hubgen.yaml", "/hub/%2E%2E/hubgen.yaml",
                     "/hub/images/..%2f..%2fhubgen.yaml", "/hub/images/%2e%2e/%2e%2e/hubgen.yaml",
                     "/etc/passwd", "/hub//etc/passwd", "/hub/..\\hubgen.yaml",
                     "/hub/%00index.html", "/hub/leak.txt", "/hub/leakdir/secret.txt",
                     "/hub/content/people.yaml", "/hubgen.yaml", "/hub/./index.html"]:
            status, _, body = site.get(path)
            assert status == 404, path
            assert b"TOP-SECRET" not in body and b"title: Minimal" not in body, path
        site.stop()


def test_a_taken_port_moves_to_the_next_one(hub):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    try:
        with serving(hub("minimal"), "--port", str(taken)) as site:
            assert site.port != taken
            assert f"Port {taken} is taken; using {site.port}." in site.lines
            assert site.get("/")[0] == 200
            site.stop()
    finally:
        blocker.close()


@contextmanager
def running(root: Path, drafts: bool = True) -> Iterator[ServeSession]:
    """A serve session on a free port, stopped (threads joined) however the test ends."""
    options = BuildOptions(root=root, drafts=drafts, future=drafts)
    session = ServeSession(ServeOptions(options, port=0))
    session.start()
    try:
        yield session
    finally:
        session.stop()


def test_twenty_quick_saves_lead_to_at_most_two_rebuilds(hub):
    root = hub("minimal")
    with running(root) as session:
        post = root / "content/posts/third.md"
        text = post.read_text()
        before = session.rebuilder.builds
        for number in range(20):
            post.write_text(text.replace("The third post,", f"The third post (save {number}),"))
            time.sleep(0.025)
        assert wait_until(lambda: b"save 19" in session.state.snapshot.files.get(
            "posts/the-third/index.html", b""))
        time.sleep(0.5)
        assert 1 <= session.rebuilder.builds - before <= 2


def test_a_file_read_half_saved_shows_no_error_when_the_rest_of_the_save_follows(hub):
    root = hub("minimal")
    with running(root) as session:
        published = []
        publish = session.state.publish
        session.state.publish = lambda snapshot: (published.append(snapshot),
                                                  publish(snapshot))[-1]
        post = root / "content/posts/third.md"
        text = post.read_text()
        for number in range(3):
            before = session.rebuilder.builds
            post.write_text("")       # an editor that saves in place: truncate...
            assert wait_until(lambda b=before: session.rebuilder.builds > b, step=0.002)
            time.sleep(0.03)          # ...a build reads the empty file...
            post.write_text(text.replace("The third post,", f"Saved whole {number},"))
            saved = f"Saved whole {number}".encode()
            assert wait_until(lambda saved=saved: saved in
                              session.state.snapshot.files["posts/the-third/index.html"])
        assert not [s.errors for s in published if s.errors], \
            "the half-saved file's error reached the browser"


def test_a_long_session_of_saves_keeps_no_old_copy_of_a_post(hub):
    root = hub("minimal")
    with running(root) as session:
        def documents() -> int:
            return sum(isinstance(o, Document) for o in gc.get_objects())
        post = root / "content/posts/third.md"
        text = post.read_text()
        for number in range(30):
            post.write_text(text.replace("The third post,", f"Save {number},"))
            saved = f"Save {number},".encode()
            assert wait_until(lambda saved=saved: saved in
                              session.state.snapshot.files["posts/the-third/index.html"])
            if number == 0:
                assert wait_until(lambda: session.rebuilder.collections > 0)
                first, objects = documents(), len(gc.get_objects())
        assert wait_until(lambda: session.rebuilder.collections > 2), "collected when idle"
        assert documents() <= first, "each save left an old copy of the post behind"
        # Nor the garbage of its build (cycles Markdown and Jinja leave among the objects
        # a build sets aside from the collector).
        assert len(gc.get_objects()) < objects * 1.02, "each save left garbage behind"


def test_an_atomic_save_is_seen_and_editor_temp_files_are_not(hub):
    root = hub("minimal")
    with running(root) as session:
        before = session.rebuilder.builds
        for name in (".third.md.swp", "third.md~", ".#third.md", "4913", "third.md.tmp",
                     "third.md___jb_tmp___", "third.md___jb_old___", "sedAb12Cd"):
            (root / "content/posts" / name).write_text("junk")
        time.sleep(0.6)
        assert session.rebuilder.builds == before, "editor leftovers trigger nothing"
        post = root / "content/posts/third.md"
        temporary = root / "content/posts/.third.md.hubgen-test"
        temporary.write_text(post.read_text().replace("The third post,", "Atomically saved,"))
        os.replace(temporary, post)
        assert wait_until(lambda: b"Atomically saved" in session.state.snapshot.files.get(
            "posts/the-third/index.html", b""))
        config = root / "hubgen.yaml"
        temporary = root / ".hubgen.yaml.new"
        temporary.write_text(config.read_text().replace("Minimal Hub", "Renamed Hub"))
        os.replace(temporary, config)
        assert wait_until(lambda: b"Renamed Hub" in session.state.snapshot.files["index.html"])


def test_requests_during_rebuilds_always_get_whole_pages_and_run_in_parallel(hub):
    root = hub("minimal")
    with serving(root, "--port", "0") as site:
        # An open event stream must not hold up other requests.
        stream = socket.create_connection((site.host, site.port))
        stream.sendall(b"GET /__hubgen/events?epoch=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        post = root / "content/posts/third.md"
        text = post.read_text()
        stop = threading.Event()

        def keep_editing() -> None:
            number = 0
            while not stop.is_set():
                number += 1
                post.write_text(text.replace("The third post,", f"Edit {number},"))
                time.sleep(0.05)

        editor = threading.Thread(target=keep_editing)
        editor.start()
        try:
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                started = time.monotonic()
                status, _, body = site.get("/posts/the-third/")
                assert time.monotonic() - started < 2
                assert status == 200
                assert body.rstrip().endswith(b"</html>")
                assert b"<h1" in body
        finally:
            stop.set()
            editor.join()
            stream.close()
        site.stop()


def test_a_broken_file_shows_an_overlay_and_the_fix_clears_it(hub):
    root = hub("minimal")
    with serving(root, "--port", "0") as site:
        post = root / "content/posts/third.md"
        good = post.read_text()
        post.write_text(good.replace("title: Third, with an explicit slug",
                                     "title: Third: broken: yes"))
        assert wait_until(lambda: b"hubgen-error-overlay" in site.get("/posts/the-third/")[2])
        _, _, body = site.get("/posts/the-third/")
        assert b"content/posts/third.md:2:13: YAML syntax error" in body
        assert b"Third, with an explicit slug" in body, "the last good page is still served"
        post.write_text(good.replace("The third post,", "The fixed third post,"))
        assert wait_until(lambda: b"fixed third post" in site.get("/posts/the-third/")[2])
        assert b"hubgen-error-overlay" not in site.get("/posts/the-third/")[2]
        code, printed = site.stop()
    assert printed.count("content/posts/third.md:2:13: error: YAML syntax error") == 1
    assert "Traceback" not in printed
    assert code == 0


def test_no_drafts_serves_exactly_what_build_publishes(hub):
    root = hub("minimal")
    with running(root, drafts=False) as session:
        served = session.state.snapshot.files
    built = build_site(BuildOptions(root=root), write=False).files
    assert served == built
    with running(root) as drafts:
        page = drafts.state.snapshot.files["posts/draft/index.html"]
        assert b'badge--draft">Draft' in page
        future = drafts.state.snapshot.files["posts/from-the-future/index.html"]
        assert b'badge--scheduled">Scheduled' in future


def test_a_first_build_that_fails_still_serves_the_overlay_until_fixed(hub):
    root = hub("bad-date")
    with serving(root, "--port", "0") as site:
        assert any("content/posts/launch.md:3:7: error: 'date': cannot read" in line
                   for line in site.lines)
        assert any("Build failed: 1 error; nothing to serve until it is fixed." in line
                   for line in site.lines)
        status, _, body = site.get("/")
        assert status == 404 and b"hubgen-error-overlay" in body
        assert b"Nothing has been built yet" in body and b"last good build" not in body
        post = root / "content/posts/launch.md"
        post.write_text(post.read_text().replace("May 1st 2026", "2026-05-01"))
        assert wait_until(lambda: site.get("/")[0] == 200)
        assert b"hubgen-error-overlay" not in site.get("/")[2]
        assert b"Launch day" in site.get("/posts/launch/")[2]
        site.stop()


def test_a_browser_dropping_its_connection_prints_nothing(hub):
    # A tab closed mid-page resets its connection: no error of the site's, nothing to say.
    import struct
    root = hub("minimal")
    with serving(root, "--port", "0") as site:
        for path, read in [(path, read) for path in ("/posts/the-third/", "/__hubgen/events")
                           for read in (0, 100) for _ in range(3)]:
            with socket.create_connection(("127.0.0.1", site.port)) as client:
                client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                if read:
                    client.recv(read)
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.3)
        assert site.get("/")[0] == 200
        code, printed = site.stop()
    assert code == 0
    assert "Traceback" not in printed and "Connection" not in printed, printed


@pytest.mark.parametrize(("old", "new", "error"), [
    ("paginate: 2", "paginate: two",
     "hubgen.yaml:8:11: error: paginate must be a whole number, got 'two'"),
    ("title: Minimal Hub", "title: [Minimal Hub",
     "hubgen.yaml:1:8: error: YAML syntax error: a list in [ ] opened here is never closed"),
])
def test_a_config_in_error_at_the_start_still_serves_the_overlay_until_fixed(hub, old, new,
                                                                              error):
    # A typo in hubgen.yaml is the likeliest first mistake: serve stays up and shows it.
    root = hub("minimal")
    config = root / "hubgen.yaml"
    good = config.read_text()
    config.write_text(good.replace(old, new))
    with serving(root, "--port", "0") as site:
        assert any(line.startswith(error) for line in site.lines), site.lines
        status, _, body = site.get("/")
        assert status == 404 and b"hubgen-error-overlay" in body
        assert error.split(": error: ")[0].encode() in body
        config.write_text(good)
        assert wait_until(lambda: site.get("/")[0] == 200)
        assert b"hubgen-error-overlay" not in site.get("/")[2]
        assert b"Minimal Hub" in site.get("/posts/the-third/")[2]
        code, printed = site.stop()
    assert code == 0 and "Traceback" not in printed


def test_a_theme_named_by_a_config_in_error_at_the_start_is_watched_once_it_reads(hub):
    # serve starts with defaults for a config it cannot read, so with the default theme;
    # once the config reads, its theme is watched, even while that theme is in error.
    root = hub("minimal")
    theme = root / "themes/mine"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    post_template = (DEFAULT_TEMPLATES / "post.html").read_text()
    (theme / "templates/post.html").write_text("{% if %}\n" + post_template)
    config = root / "hubgen.yaml"
    good = config.read_text() + "theme: mine\n"
    config.write_text(good.replace("title: Minimal Hub", "title: [Minimal Hub"))
    with serving(root, "--port", "0") as site:
        assert b"YAML syntax error" in site.get("/posts/the-third/")[2]
        config.write_text(good)
        assert wait_until(lambda: b"themes/mine/templates/post.html:1" in
                          site.get("/posts/the-third/")[2])
        (theme / "templates/post.html").write_text(post_template)
        assert wait_until(lambda: site.get("/posts/the-third/")[0] == 200)
        assert b"hubgen-error-overlay" not in site.get("/posts/the-third/")[2]
        site.stop()


@pytest.mark.parametrize(("theme_yaml", "error"), [
    (None, "hubgen.yaml:10:8: error: unknown theme 'mine'"),
    ("extends: [default\n", "themes/mine/theme.yaml:1:10: error: YAML syntax error"),
    ("extends: basis\n", "themes/mine/theme.yaml:1:10: error: unknown theme 'basis'"),
], ids=["no-theme-folder", "theme-yaml-in-error", "parent-missing"])
def test_a_theme_in_error_at_the_start_still_serves_the_overlay_until_fixed(hub, theme_yaml,
                                                                              error):
    # A theme not made yet, or its theme.yaml wrong: serve stays up, shows it, and builds
    # again once the theme is there, wherever in themes/ the fix is made.
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: mine\n")
    theme = root / "themes/mine"
    if theme_yaml is not None:
        (theme / "templates/partials").mkdir(parents=True)
        (theme / "theme.yaml").write_text(theme_yaml)
    with serving(root, "--port", "0") as site:
        assert any(line.startswith(error) for line in site.lines), site.lines
        status, _, body = site.get("/")
        assert status == 404 and b"hubgen-error-overlay" in body
        if theme_yaml == "extends: basis\n":    # the parent it names, made
            (root / "themes/basis").mkdir()
            (root / "themes/basis/theme.yaml").write_text("extends: default\n")
        else:
            (theme / "templates/partials").mkdir(parents=True, exist_ok=True)
            (theme / "theme.yaml").write_text("extends: default\n")
        (theme / "templates/partials/footer.html").write_text("<footer>MINE</footer>")
        assert wait_until(lambda: site.get("/")[0] == 200)
        assert b"MINE" in site.get("/posts/the-third/")[2]
        code, printed = site.stop()
    assert code == 0 and "Traceback" not in printed


@pytest.mark.parametrize("option", ["--poll"])
def test_polling_watches_too(hub, option):
    root = hub("minimal")
    with serving(root, "--port", "0", option) as site:
        assert "polling for changes" in site.lines[-1]
        about = root / "content/pages/about.md"
        about.write_text(about.read_text() + "\nPolled change.\n")
        assert wait_until(lambda: b"Polled change" in site.get("/about/")[2], timeout=10)
        site.stop()


def test_incremental_serving_equals_a_clean_build_after_many_edits(hub):
    root = hub("minimal")
    with running(root, drafts=False) as session:
        post = root / "content/posts/third.md"
        post.write_text(post.read_text().replace("tags: [listening]", "tags: [listening, new]"))
        assert wait_until(lambda: "tags/new/index.html" in session.state.snapshot.files)
        (root / "content/posts/2026-03-05-second.md").unlink()
        assert wait_until(lambda: "posts/second/index.html" not in session.state.snapshot.files)
        time.sleep(0.4)
        served = session.state.snapshot.files
    assert served == build_site(BuildOptions(root=root, now=datetime.now(UTC)),
                                write=False).files


def test_rebuilds_go_on_after_the_config_vanishes_for_a_moment(hub):
    root = hub("minimal")
    with running(root) as session:
        config = root / "hubgen.yaml"
        text = config.read_text()
        config.unlink()
        assert wait_until(lambda: session.state.snapshot.errors)
        assert "no hubgen config found" in session.state.snapshot.errors[0].message
        config.write_text(text.replace("Minimal Hub", "Back Again Hub"))
        assert wait_until(lambda: b"Back Again Hub" in session.state.snapshot.files["index.html"])
        assert not session.state.snapshot.errors


def test_a_templates_folder_made_while_serving_is_watched(hub):
    root = hub("minimal")
    with running(root) as session:
        (root / "templates").mkdir()
        (root / "templates/404.html").write_text(
            '{% extends "base.html" %}{% block content %}<p>NEW-404</p>{% endblock %}')
        assert wait_until(lambda: b"NEW-404" in session.state.snapshot.files["404.html"])


def test_a_reconnecting_page_resumes_from_its_last_event(hub):
    root = hub("minimal")
    with running(root) as session:
        host, port = session.server.server_address[:2]
        current = session.state.snapshot.epoch

        def first_event(headers: str, query: str) -> bytes:
            with socket.create_connection((host, port), timeout=8) as stream:
                stream.sendall(f"GET /__hubgen/events?{query} HTTP/1.1\r\nHost: x\r\n"
                               f"{headers}\r\n".encode())
                stream.settimeout(7)
                seen = b""
                while b"event: change" not in seen and b"keep-alive" not in seen:
                    seen += stream.recv(4096)
                return seen

        # The URL still says epoch 0, but the browser saw the current epoch: no reload.
        resumed = first_event(f"Last-Event-ID: {current}\r\n", "epoch=0")
        assert b"event: change" not in resumed
        stale = first_event("", "epoch=0")
        assert f"id: {current}".encode() in stale and b"event: change" in stale


def test_warnings_that_appear_while_serving_are_printed_once_each_time(hub):
    root = hub("minimal")
    with serving(root, "--port", "0") as site:
        config = root / "hubgen.yaml"
        text = config.read_text()
        config.write_text(text + "paginat: 3\n")
        assert wait_until(lambda: any("unknown key 'paginat'" in line for line in site.lines))
        post = root / "content/posts/third.md"
        post.write_text(post.read_text() + "\nMore.\n")
        assert wait_until(lambda: sum("Rebuilt" in line for line in site.lines) >= 2)
        config.write_text(text)   # fixed...
        assert wait_until(lambda: sum("Rebuilt" in line for line in site.lines) >= 3)
        config.write_text(text + "paginat: 3\n")   # ... and made again: said again
        assert wait_until(lambda: sum("Rebuilt" in line for line in site.lines) >= 4)
        _, printed = site.stop()
    assert printed.count("unknown key 'paginat'") == 2


def test_a_restarted_server_is_ahead_of_every_page_of_the_one_before(hub):
    root = hub("minimal")
    with running(root) as first:
        for number in range(3):
            _edit_post(root, f"Edit {number}.")
            assert wait_until(lambda n=number: f"Edit {n}.".encode() in
                              first.state.snapshot.files["posts/the-third/index.html"])
        old_epoch = first.state.snapshot.epoch
    time.sleep(0.01)
    with running(root) as second:
        # A page of the first server reconnects to the second: it must reload at once.
        assert second.state.snapshot.epoch > old_epoch


def _edit_post(root: Path, line: str) -> None:
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + f"\n{line}\n")


def test_the_url_s_path_edited_while_serving_moves_the_site(hub):
    root = hub("minimal")
    with serving(root, "--port", "0") as site:
        assert site.get("/")[0] == 200
        config = root / "hubgen.yaml"
        config.write_text(config.read_text().replace("url: https://minimal.example/",
                                                     "url: https://minimal.example/café/"))
        assert wait_until(lambda: site.get("/caf%C3%A9/")[0] == 200)
        status, headers, _ = site.get("/")
        assert status == 302 and headers["location"] == "/caf%C3%A9/"
        assert site.get("/caf%C3%A9")[1]["location"] == "/caf%C3%A9/"
        assert site.get("/caf%C3%A9/about/")[0] == 200
        head = site.get("/caf%C3%A9/__hubgen/events", method="HEAD")
        assert head[0] == 200 and head[1]["content-type"] == "text/event-stream"
        assert wait_until(lambda: any(f"Serving at http://{site.host}:{site.port}/café/ now"
                                      in line for line in site.lines))
        site.stop()


def test_a_url_path_with_a_space_is_printed_as_one_link(hub):
    # Printed as written, the address ended at the space for a terminal: a click opened
    # http://127.0.0.1:8000/our, the 404 page.
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("url: https://minimal.example/",
                                                 'url: "https://minimal.example/our café/"'))
    with running(root) as session:
        host, port = session.server.server_address[:2]
        assert session.url == f"http://{host}:{port}/our%20café/"
        # As a browser sends it, the accent encoded too.
        with urllib.request.urlopen(quote(session.url, safe=":/%")) as response:
            assert response.status == 200


def test_a_theme_switched_to_while_serving_is_watched(hub):
    root = hub("minimal")
    theme = root / "themes/mine"
    (theme / "templates/partials").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    footer = theme / "templates/partials/footer.html"
    footer.write_text("<footer>MINE-1</footer>")
    with running(root) as session:
        config = root / "hubgen.yaml"
        config.write_text(config.read_text() + "theme: mine\n")
        assert wait_until(lambda: b"MINE-1" in session.state.snapshot.files["index.html"])
        for number in (2, 3):
            footer.write_text(f"<footer>MINE-{number}</footer>")
            assert wait_until(lambda n=number: f"MINE-{n}".encode() in
                              session.state.snapshot.files["index.html"])


def test_a_theme_folder_removed_restored_or_moved_away_is_followed(hub, tmp_path):
    root = hub("minimal")
    theme = root / "themes/mine"
    (theme / "templates/partials").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n")
    (theme / "templates/partials/footer.html").write_text("<footer>MINE</footer>")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "theme: mine\n")
    shutil.copytree(theme, tmp_path / "backup")
    with running(root) as session:
        def home() -> bytes:
            return session.state.snapshot.files["index.html"]
        assert b"MINE" in home()
        shutil.rmtree(theme)
        assert wait_until(lambda: session.state.snapshot.errors)
        shutil.copytree(tmp_path / "backup", theme)     # restored: the error goes
        assert wait_until(lambda: not session.state.snapshot.errors)
        theme.rename(root / "themes/mine-2")            # moved away: the error comes
        assert wait_until(lambda: session.state.snapshot.errors)
        assert "unknown theme 'mine'" in session.state.snapshot.errors[0].message
        (root / "themes/mine-2").rename(theme)          # and back
        assert wait_until(lambda: not session.state.snapshot.errors)
        (theme / "templates/partials/footer.html").write_text("<footer>MINE-2</footer>")
        assert wait_until(lambda: b"MINE-2" in home())


def test_a_hub_folder_deleted_and_made_again_is_watched_again(hub, tmp_path):
    root = hub("minimal")
    shutil.copytree(root, tmp_path / "copy")
    with running(root) as session:
        shutil.rmtree(root)
        shutil.copytree(tmp_path / "copy", root)
        config = root / "hubgen.yaml"
        time.sleep(0.5)     # the copy's own events have settled
        config.write_text(config.read_text().replace("title: Minimal Hub", "title: Renamed Hub"))
        assert wait_until(lambda: b"Renamed Hub" in session.state.snapshot.files["index.html"])


def test_a_hub_folder_replaced_before_serve_looks_is_watched_again(hub, tmp_path):
    root = hub("minimal")
    shutil.copytree(root, tmp_path / "copy")
    with running(root) as session:
        assert session.watcher is not None
        with session.watcher._lock:   # its events wait until the new folder is in place
            shutil.rmtree(root)
            os.rename(tmp_path / "copy", root)
        time.sleep(0.5)
        config = root / "hubgen.yaml"
        config.write_text(config.read_text().replace("title: Minimal Hub", "title: Renamed Hub"))
        assert wait_until(lambda: b"Renamed Hub" in session.state.snapshot.files["index.html"])


def test_a_hub_folder_made_again_after_serve_saw_it_gone_is_watched_again(hub, tmp_path):
    root = hub("minimal")
    shutil.copytree(root, tmp_path / "copy")
    with running(root) as session:
        shutil.rmtree(root)
        assert wait_until(lambda: session.state.snapshot.errors)   # it saw the hub go
        time.sleep(0.5)          # and has nothing of it left to watch
        shutil.copytree(tmp_path / "copy", root)
        assert wait_until(lambda: not session.state.snapshot.errors)
        config = root / "hubgen.yaml"
        config.write_text(config.read_text().replace("title: Minimal Hub", "title: Renamed Hub"))
        assert wait_until(lambda: b"Renamed Hub" in session.state.snapshot.files["index.html"])


def test_only_the_sources_are_watched_never_the_output_or_the_cache(hub):
    root = hub("minimal")
    assert run_build(root)
    with running(root) as session:
        watched = {(Path(e.watch.path), e.watch.is_recursive)
                   for e in session.watcher.observer.emitters}
        assert (root.resolve() / "content", True) in watched
        assert (root.resolve(), False) in watched, "the root alone, for folders made later"
        for path, recursive in watched:
            assert not (root / "public").resolve().is_relative_to(path) or not recursive, path
            assert not path.is_relative_to((root / "public").resolve()), path
            assert not path.is_relative_to((root / ".hubgen-cache").resolve()), path


def run_build(root: Path) -> bool:
    return build_site(BuildOptions(root=root)).output.is_dir()


def test_a_source_folder_moved_away_and_back_is_watched_again_quietly(hub, tmp_path):
    root = hub("minimal")
    with serving(root, "--port", "0") as site:
        static = root / "static"
        static.rename(tmp_path / "static-aside")
        assert wait_until(lambda: site.get("/images/cup.svg")[0] == 404)
        (tmp_path / "static-aside").rename(static)
        assert wait_until(lambda: site.get("/images/cup.svg")[0] == 200)
        (static / "images/cup.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'>"
                                                "<title>NEW</title></svg>")
        assert wait_until(lambda: b"NEW" in site.get("/images/cup.svg")[2])
        _, printed = site.stop()
    assert "Warning" not in printed and "Traceback" not in printed, printed


def test_serve_listens_on_ipv6_and_says_at_once_when_it_cannot_listen(hub):
    root = hub("minimal")
    with serving(root, "--port", "0", "--bind", "::1") as site:
        assert site.url.startswith("http://[::1]:")
        assert site.get("/about/")[0] == 200
        site.stop()
    # TEST-NET-3 is no address of this machine: refused before anything is built.
    refused = run_hubgen("serve", "--bind", "203.0.113.7", "--port", "0", cwd=root)
    assert refused.code == 2
    assert "cannot listen on 203.0.113.7" in refused.err
    assert "Built" not in refused.out


def test_serve_on_every_address_says_where_to_open_it_here_and_on_the_network(hub):
    root = hub("minimal")
    with serving(root, "--port", "0", "--bind", "0.0.0.0") as site:
        assert site.url.startswith("http://127.0.0.1:"), "0.0.0.0 is no address to open"
        assert site.get("/about/")[0] == 200
        assert wait_until(lambda: any("On your network:" in line for line in site.lines))
        network = next(line for line in site.lines if "On your network:" in line).split()[-1]
        host, port = re.match(r"http://([^/:]+):(\d+)/$", network).groups()
        assert host not in ("0.0.0.0", "127.0.0.1") and int(port) == site.port
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/about/")
        assert connection.getresponse().status == 200, "the network address serves the site"
        connection.close()
        site.stop()


FOOTER = Path(__file__).resolve().parent.parent / "themes/default/templates/partials/footer.html"


def _edit_footer(root: Path, mark: str) -> None:
    """Override the theme's footer in the hub's own templates, marked with `mark`."""
    folder = root / "templates/partials"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "footer.html").write_text(
        FOOTER.read_text().replace("<footer", f'<footer data-edit="{mark}"', 1))


@contextmanager
def reporting(root: Path, jobs: int) -> Iterator[tuple[ServeSession, list[tuple]]]:
    """A serve session on `jobs` workers, with every build's report, stopped at the end."""
    reports: list[tuple] = []
    session = ServeSession(ServeOptions(BuildOptions(root=root, jobs=jobs), port=0),
                           lambda *report: reports.append(report))
    session.start()
    try:
        yield session, reports
    finally:
        session.stop()


def test_a_template_edit_while_serving_renders_on_every_worker_as_a_clean_build(tmp_path):
    root = write_corpus(tmp_path / "hub", posts=80, threads=4)
    with reporting(root, jobs=2) as (session, reports):
        assert threading.active_count() > 1
        _edit_footer(root, "served")
        pages = [name for name in session.state.snapshot.files if name.endswith(".html")]
        assert len(pages) > 100
        assert wait_until(lambda: all(b'data-edit="served"' in session.state.snapshot.files[n]
                                      for n in pages), timeout=60)
        assert wait_until(lambda: len(reports) == 2)   # the first build's, the rebuild's
        errors, _, _, rendered, workers = reports[-1]
        assert not errors and rendered >= len(pages)
        assert workers == 2, "forked from the rebuild thread, beside the server's threads"
        served = session.state.snapshot.files
    assert served == build_site(BuildOptions(root=root, now=datetime.now(UTC)),
                                write=False).files


def test_parallel_rebuilds_under_requests_always_finish_and_ctrl_c_calls_one_off(tmp_path):
    # Enough pages that a rebuild takes about a second on two workers.
    root = write_corpus(tmp_path / "hub", posts=600, threads=20)
    (root / "templates/partials").mkdir(parents=True)
    with serving(root, "--port", "0", "--jobs", "2", own_group=True) as site:
        assert "on 2 workers" in site.lines[0]
        # The server's threads are busy while the rebuild thread forks: an event stream
        # waits, pages are being sent.
        stream = socket.create_connection((site.host, site.port))
        stream.sendall(b"GET /__hubgen/events?epoch=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        stop = threading.Event()
        served: list[int] = []

        def keep_asking() -> None:
            while not stop.is_set():
                status, _, body = site.get("/")
                assert status == 200 and body.rstrip().endswith(b"</html>")
                served.append(status)

        asking = [threading.Thread(target=keep_asking) for _ in range(3)]
        for thread in asking:
            thread.start()
        try:
            for mark in ("edit-1", "edit-2", "edit-3"):
                _edit_footer(root, mark)
                shown = f'data-edit="{mark}"'.encode()
                assert wait_until(lambda shown=shown: shown in site.get("/")[2], timeout=60), \
                    "\n".join(site.lines)
        finally:
            stop.set()
            for thread in asking:
                thread.join(timeout=30)
            stream.close()
        # The page is served before the terminal says so.
        assert wait_until(lambda: sum(line.startswith("Rebuilt") for line in site.lines) >= 3)
        rebuilt = [line for line in site.lines if line.startswith("Rebuilt")]
        assert len(rebuilt) == 3 and all(re.search(r"files rendered on 2 workers\)$", line)
                                         for line in rebuilt), rebuilt
        assert len(served) > 10
        # A Ctrl-C in the terminal, while the workers of a rebuild run.
        _edit_footer(root, "interrupted")
        deadline = time.monotonic() + 60
        while len(child_processes(site.process.pid)) < 2:
            assert time.monotonic() < deadline, "no rebuild on workers to interrupt"
            time.sleep(0.005)
        workers = child_processes(site.process.pid)
        os.killpg(site.process.pid, signal.SIGINT)
        assert site.process.wait(timeout=30) == 0
        site.reader.join(timeout=5)
    printed = "\n".join(site.lines)
    assert "Stopped." in printed and "Traceback" not in printed, printed
    after = printed.split("Stopping…", 1)[1]
    assert after.strip() == "Stopped.", "the rebuild is called off, neither waited for nor failed"
    with pytest.raises(ProcessLookupError):
        os.killpg(site.process.pid, 0)   # nobody of the server's group is left
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_serve_during_its_first_build_leaves_no_worker_behind(tmp_path, stop):
    root = write_corpus(tmp_path / "hub", posts=600, threads=20)
    process = subprocess.Popen([sys.executable, "-m", "hubgen", "serve", "--port", "0",
                                "--jobs", "2"], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        while len(child_processes(process.pid)) < 2:
            assert time.monotonic() < deadline and process.poll() is None, \
                "no first build on workers to stop"
            time.sleep(0.005)
        workers = child_processes(process.pid)
        process.send_signal(stop)      # a service manager's SIGTERM, or a Ctrl-C
        printed, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, printed
    assert printed.strip().endswith("Stopping…\nStopped."), printed
    assert "Traceback" not in printed and "Aborted" not in printed, printed
    assert wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers)), \
        "a worker of the first build runs on"


def _interrupt_thread(pid: int, thread: int) -> None:
    """Send SIGINT to one thread of a process, as the system may pick any to receive it."""
    import ctypes
    numbers = {"x86_64": 234, "aarch64": 131}   # tgkill(2)
    if os.uname().machine not in numbers:
        pytest.skip(f"tgkill's number on {os.uname().machine} is not known here")
    number = numbers[os.uname().machine]
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(number, pid, thread, signal.SIGINT) == 0, os.strerror(ctypes.get_errno())


def test_a_ctrl_c_handed_to_any_thread_of_the_server_stops_it(hub):
    root = hub("minimal")
    with serving(root, "--port", "0") as site:
        pid = site.process.pid
        others = [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()
                  if int(task.name) != pid]
        assert others, "the server and the watcher run in threads of their own"
        _interrupt_thread(pid, others[0])
        assert site.process.wait(timeout=10) == 0
        site.reader.join(timeout=5)
    assert "Stopped." in "\n".join(site.lines)


def test_a_ctrl_c_as_soon_as_serve_says_where_it_serves_stops_it_cleanly(hub):
    # Pressed while serve still printed its other lines ("On your network: …"), it ended
    # the command as "Aborted!" with exit 1 (most times, so a few tries catch it).
    root = hub("minimal")
    for _ in range(5):
        process = subprocess.Popen([sys.executable, "-m", "hubgen", "serve", "--port", "0",
                                    "--bind", "0.0.0.0"], cwd=root, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            printed = ""
            while "Serving" not in printed:
                line = process.stdout.readline()
                assert line, printed
                printed += line
            process.send_signal(signal.SIGINT)
            printed += process.stdout.read()
            assert process.wait(timeout=20) == 0, printed
        finally:
            if process.poll() is None:
                process.kill()
            process.stdout.close()
        assert printed.rstrip().endswith("Stopping…\nStopped."), printed
        assert "Aborted" not in printed


def test_stopping_calls_off_a_rebuild_in_one_process_too(tmp_path):
    root = write_corpus(tmp_path / "hub", posts=600, threads=20)
    with reporting(root, jobs=1) as (session, reports):
        builds = session.rebuilder.builds
        _edit_footer(root, "never-served")
        assert wait_until(lambda: session.rebuilder.builds > builds, step=0.005)
        time.sleep(0.3)   # its pages are being rendered: a second's work in one process
    assert len(reports) == 1, "the rebuild under way published nothing"
    assert not any(b"never-served" in body for body in session.state.snapshot.files.values())


def test_watchdogs_shutdown_race_prints_nothing_once_the_watcher_stops(tmp_path, caplog):
    # watchdog logs this error when an event comes in while its thread stops; under
    # "Stopped." it reads like a failure. Any other watchdog error still shows.
    from hubgen.serve.watcher import SourceWatcher
    watcher = SourceWatcher(tmp_path, [tmp_path], [], on_change=lambda changed: None)
    watcher.start()
    watcher.stop()
    inotify = logging.getLogger("watchdog.observers.inotify")
    with caplog.at_level(logging.ERROR):
        inotify.error("InotifyEmitter.queue_events() called when the thread is inactive")
        inotify.error("some other watchdog error")
    assert [record.getMessage() for record in caplog.records] == ["some other watchdog error"]


def test_a_video_is_served_in_the_ranges_a_player_asks_for(hub):
    root = hub("minimal")
    (root / "static/clip.mp4").write_bytes(bytes(range(100)))
    with serving(root, "--port", "0") as site:
        def get(range_header: str) -> tuple[int, dict[str, str], bytes]:
            connection = http.client.HTTPConnection(site.host, site.port, timeout=10)
            connection.request("GET", "/clip.mp4", headers={"Range": range_header})
            response = connection.getresponse()
            answer = (response.status, {k.lower(): v for k, v in response.getheaders()},
                      response.read())
            connection.close()
            return answer
        status, headers, body = site.get("/clip.mp4")
        assert (status, headers["accept-ranges"], len(body)) == (200, "bytes", 100)
        status, headers, body = get("bytes=10-19")
        assert (status, headers["content-range"], body) == (206, "bytes 10-19/100",
                                                            bytes(range(10, 20)))
        assert get("bytes=90-")[2] == bytes(range(90, 100))
        assert get("bytes=-5")[1]["content-range"] == "bytes 95-99/100"
        status, headers, _ = get("bytes=200-")
        assert (status, headers["content-range"]) == (416, "bytes */100")
        assert get("bytes=0-1,5-6")[0] == 200            # several ranges: the whole file
        assert "accept-ranges" not in site.get("/")[1]    # a page is whole, reload and all


def test_an_edit_behind_a_symlinked_templates_folder_is_served(hub, tmp_path):
    root = hub("minimal")
    shared, other = tmp_path / "shared", tmp_path / "other"
    for folder, mark in ((shared, "SHARED-1"), (other, "OTHER-1")):
        folder.mkdir()
        (folder / "footer.html").write_text(f"<footer>{mark}</footer>\n")
    (root / "templates").mkdir()
    link = root / "templates/partials"
    link.symlink_to(shared, target_is_directory=True)
    with running(root) as session:
        def home() -> bytes:
            return session.state.snapshot.files["index.html"]
        assert b"SHARED-1" in home()
        (shared / "footer.html").write_text("<footer>SHARED-2</footer>\n")
        assert wait_until(lambda: b"SHARED-2" in home())
        link.unlink()                   # the link removed: the theme's footer
        assert wait_until(lambda: b"SHARED" not in home())
        link.symlink_to(other, target_is_directory=True)   # a link made while serving
        assert wait_until(lambda: b"OTHER-1" in home())
        (other / "footer.html").write_text("<footer>OTHER-2</footer>\n")
        assert wait_until(lambda: b"OTHER-2" in home())
