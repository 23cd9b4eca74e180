"""The command itself: help, version, and `python -m hubgen`."""

from __future__ import annotations

from conftest import run_hubgen


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


def test_quiet_and_verbose_together_is_a_usage_error(hub):
    result = run_hubgen("build", "--quiet", "--verbose", cwd=hub("minimal"))
    assert result.code == 2
    assert "--quiet and --verbose cannot be used together" in result.err


def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not(hub):
    import os
    import pty
    import subprocess
    import sys

    root = hub("minimal")
    leader, follower = pty.openpty()
    env = {**os.environ, "HUBGEN_PROGRESS_DELAY": "0", "TERM": "xterm"}
    env.pop("CI", None)
    process = subprocess.Popen([sys.executable, "-m", "hubgen", "build"], cwd=root,
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
    assert process.wait(timeout=60) == 0
    os.close(leader)
    assert b"rendering" in seen
    assert b"Built Minimal Hub" in seen
    piped = run_hubgen("build", cwd=root)
    assert "rendering" not in piped.out + piped.err
