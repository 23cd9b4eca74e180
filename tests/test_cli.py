"""The command itself: help, version, and `python -m hubgen`."""

from __future__ import annotations

import os
import pty
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import REPO, run_hubgen

from benchmarks.corpus import write_corpus


def test_help_lists_build_and_its_options(tmp_path):
    result = run_hubgen("build", "--help", cwd=tmp_path)
    assert result.code == 0
    for option in ("--config", "--output", "--drafts", "--future", "--base-url", "--strict",
                   "--quiet", "--verbose"):
        assert option in result.out


def test_config_option_reads_another_file(hub):
    root = hub("minimal")
    (root / "hubgen.yaml").rename(root / "site.yaml")
    result = run_hubgen("build", "--config", "site.yaml", cwd=root)
    assert result.code == 0, result.err
    assert (root / "public/index.html").is_file()


def test_a_config_that_is_a_link_to_a_file_elsewhere_builds_the_hub_it_stands_in(hub,
                                                                                   tmp_path):
    # hubgen.yaml linked to one kept with other settings (a dotfiles folder, a shared
    # config): the hub was the link's target's folder, and an empty site was built there.
    root = hub("minimal")
    shared = tmp_path / "shared"
    shared.mkdir()
    (root / "hubgen.yaml").rename(shared / "hubgen.yaml")
    (root / "hubgen.yaml").symlink_to(shared / "hubgen.yaml")
    for args in ((), ("--config", "hubgen.yaml")):
        result = run_hubgen("build", *args, cwd=root)
        assert result.code == 0, result.err
        assert "(3 posts, 1 page" in result.out
        assert (root / "public/posts/the-third/index.html").is_file()
        assert sorted(p.name for p in shared.iterdir()) == ["hubgen.yaml"]
    config = shared / "hubgen.yaml"
    config.write_text(config.read_text().replace("paginate: 2", "paginate: two"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith("hubgen.yaml:8:11: error: ")


def _with_closed(stream: str, command: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run `hubgen COMMAND` in a shell with one standard stream closed ('>&-', '2>&-',
    '<&-'): Python then has None for it."""
    return subprocess.run(["sh", "-c", f"exec {shlex.quote(sys.executable)} -m hubgen "
                           f"{command} {stream}"], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_closed_output_stream_is_no_traceback_and_no_failure(hub):
    # Started with stdout or stderr closed (a script's '>&-', a daemon), a build that
    # succeeded exited 1 with "'NoneType' object has no attribute 'flush'".
    root = hub("minimal")
    built = _with_closed(">&-", "build", root)
    assert (built.returncode, built.stderr) == (0, "")
    assert (root / "public/index.html").is_file()
    built = _with_closed("2>&-", "build", root)
    assert built.returncode == 0
    assert "Traceback" not in built.stdout and "Built Minimal Hub" in built.stdout
    (root / "content/posts/third.md").write_text("---\ntitle: [x\n---\n")
    failed = _with_closed("2>&-", "build", root)
    assert (failed.returncode, failed.stdout) == (1, "")


def test_a_closed_standard_input_is_an_empty_one_to_import(hub):
    failed = _with_closed("<&-", "import reddit -", hub("import-hub"))
    assert "Traceback" not in failed.stderr
    assert (failed.returncode, failed.stderr) == (1, "Error: <stdin> is empty, not JSON\n")


def test_quiet_and_verbose_together_is_a_usage_error(hub):
    result = run_hubgen("build", "--quiet", "--verbose", cwd=hub("minimal"))
    assert result.code == 2
    assert "--quiet and --verbose cannot be used together" in result.err


def _on_a_terminal(*args: str, cwd: Path, ci: bool = False,
                   program: tuple[str, ...] = (sys.executable, "-m", "hubgen"),
                   env: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Run hubgen (or `program`) with a pseudo-terminal for its output; the exit code
    and all it drew."""
    leader, follower = pty.openpty()
    given = env or {}
    env = {**os.environ, "HUBGEN_PROGRESS_DELAY": "0", "TERM": "xterm", **given}
    env.pop("CI", None)
    if "NO_COLOR" not in given:   # the developer's own would turn the colours tested off
        env.pop("NO_COLOR", None)
    if ci:
        env["CI"] = "true"
    process = subprocess.Popen([*program, *args], cwd=cwd,
                               stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    code = process.wait(timeout=60)
    os.close(leader)
    return code, seen


def test_a_terminal_sees_a_progress_bar_with_pages_per_second_and_a_pipe_does_not(tmp_path):
    root = write_corpus(tmp_path / "hub", posts=300)
    code, seen = _on_a_terminal("build", cwd=root)
    assert code == 0
    assert b"rendering" in seen
    assert b"pages/s" in seen
    assert b"Built Benchmark Hub" in seen
    piped = run_hubgen("build", "--no-cache", cwd=root)
    assert "rendering" not in piped.out + piped.err
    assert "pages/s" not in piped.out + piped.err
    code, in_ci = _on_a_terminal("build", "--no-cache", cwd=root, ci=True)
    assert code == 0
    assert b"Built Benchmark Hub" in in_ci
    assert b"pages/s" not in in_ci


def test_a_stage_quicker_than_the_rate_warm_up_still_ends_on_its_rate(tmp_path):
    # A fast machine renders a small hub's pages in less than the fifth of a second the
    # bar waits before showing a rate; its last frame must show one all the same, counted
    # from the stage's start (the build reports 0 done then).
    script = ("import time\n"
              "from hubgen.progress import BuildProgress\n"
              "bar = BuildProgress(True)\n"
              "bar('render', 0, 600)\n"
              "time.sleep(0.05)\n"
              "bar('render', 600, 600)\n"
              "bar.stop()\n")
    code, seen = _on_a_terminal("-c", script, cwd=tmp_path, program=(sys.executable,))
    assert code == 0
    assert b"rendering" in seen
    assert b"600/600" in seen
    rate = re.search(rb"([\d,]+) pages/s", seen)
    assert rate is not None
    assert 0 < int(rate[1].replace(b",", b"")) <= 600 / 0.05


def test_no_color_and_a_dumb_terminal_get_no_escape_codes(hub):
    # Errors were coloured on any terminal: NO_COLOR (no-color.org) and TERM=dumb (Emacs'
    # shell, an editor's output pane) showed them as "^[[31m^[[1merror^[[0m".
    colour = re.compile(rb"\x1b\[[0-9;]*m")
    root = hub("broken-front-matter")
    code, coloured = _on_a_terminal("build", cwd=root)
    assert code == 1
    assert colour.search(coloured)
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        code, seen = _on_a_terminal("build", cwd=root, env=env)
        assert code == 1
        assert not colour.search(seen), env
        assert b": error: " in seen
    assert b"\x1b" not in seen   # a dumb terminal gets no progress bar either


def test_a_dumb_terminal_gets_no_progress_bar(tmp_path):
    root = write_corpus(tmp_path / "hub", posts=300)
    code, seen = _on_a_terminal("build", cwd=root, env={"TERM": "dumb"})
    assert code == 0
    assert seen.startswith(b"Built Benchmark Hub"), seen[:200]


def test_quiet_builds_print_nothing_on_a_terminal(tmp_path):
    root = write_corpus(tmp_path / "hub", posts=300)
    assert _on_a_terminal("build", "--quiet", cwd=root) == (0, b"")


def test_a_program_that_runs_the_build_command_keeps_its_own_sigterm_handler(hub,
                                                                             monkeypatch):
    # The build takes SIGTERM as Ctrl-C while it runs; a program embedding hubgen's `cli`
    # kept that handler after the command returned.
    import signal

    from click.testing import CliRunner

    from hubgen.cli import cli

    monkeypatch.chdir(hub("minimal"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    own = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        result = CliRunner().invoke(cli, ["build", "--quiet", "--jobs", "1"])
        assert result.exit_code == 0, result.output
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, own)
