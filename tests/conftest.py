"""Shared helpers: copy a test hub, run the real `hubgen` command on it, read what it made."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html

from hubgen.build.collector import interpreter_started

SITES = Path(__file__).parent / "sites"
REPO = Path(__file__).parent.parent

# The tests build in this process as the command does in its own: what the interpreter set
# aside as it started (Python 3.12) is its own.
interpreter_started()

# A suite started in the background by a script (`pytest &`) inherits Ctrl-C ignored, and
# so would every hubgen it starts; the tests of what Ctrl-C does need it heard.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """In CI (`CI` set, as .ci/run sets it) a skipped test fails: a test skipped there, for
    a tool not installed or a mount not allowed, would let what it covers break unseen."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {reason}"


@dataclass
class Run:
    """What one run of the command printed and returned."""

    code: int
    out: str
    err: str


def said(text: str, severity: str) -> list[str]:
    """The lines of hubgen's output (stderr of build, stdout of check) that report a finding
    of `severity` ('error', 'warning')."""
    return [line for line in text.splitlines() if f": {severity}: " in line]


def run_hubgen(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `python -m hubgen ARGS` in `cwd`, as a user would run `hubgen`."""
    completed = subprocess.run([sys.executable, "-m", "hubgen", *args], cwd=cwd,
                               capture_output=True, text=True, timeout=300,
                               env={**clean_env(), "COLUMNS": "200", **(env or {})})
    return Run(completed.returncode, completed.stdout, completed.stderr)


def clean_env() -> dict[str, str]:
    """This environment without pytest's variables, with this checkout's hubgen first on the
    path (whichever copy is installed)."""
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def hub(tmp_path: Path):
    """Copy a hub from tests/sites/ into a temporary folder and return its path."""
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target)
        return target
    return copy


@pytest.fixture
def built(hub):
    """Copy a hub and build it; returns the output folder. Fails on a failed build."""
    def build(name: str, *args: str) -> Path:
        root = hub(name)
        result = run_hubgen("build", *args, cwd=root)
        assert result.code == 0, result.err
        return root / "public"
    return build


def parse_html(path: Path) -> lxml_html.HtmlElement:
    """Parse one built HTML page."""
    return lxml_html.fromstring(path.read_bytes())


def json_ld(page: lxml_html.HtmlElement) -> list[dict]:
    """Every JSON-LD block of a page, parsed (fails on invalid JSON)."""
    return [json.loads(script.text) for script in
            page.xpath('//script[@type="application/ld+json"]')]


def renumber_embedded_message(root: Path, written: str, embedded: str) -> None:
    """In the conversations hub, give chat-one's message 2 the id `written` (as YAML), in
    the replies to it and in the recap post's embed of it (`embedded`, as a shortcode)."""
    chat = root / "content/threads/chat-one.yaml"
    chat.write_text(chat.read_text().replace('{id: "2",', f"{{id: {written},")
                    .replace('reply_to: "2"', f"reply_to: {written}"))
    recap = root / "content/posts/2026-03-12-recap.md"
    recap.write_text(recap.read_text().replace("{{< message chat-one 2 >}}",
                                               f"{{{{< message chat-one {embedded} >}}}}"))


def all_files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def hub_with_template(tmp_path: Path) -> Path:
    """The conversations hub with a site template of its own (templates/page.html)."""
    root = tmp_path / "hub"
    shutil.copytree(SITES / "conversations", root)
    (root / "templates").mkdir()
    (root / "templates/page.html").write_text(
        '{% extends "!theme/page.html" %}{% block content %}<p>CUSTOM-PAGE</p>'
        "{{ super() }}{% endblock %}")
    return root


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make `folder` a folder this user may not change, root included (root ignores a
    folder's mode, not its immutable flag)."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)
        return
    if shutil.which("chattr") is None or \
            subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("root, and no chattr +i here to make a folder read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
