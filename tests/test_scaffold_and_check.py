"""`hubgen new` finds a taken URL as the build plans it, names only real people, writes a
date that reads back as the moment it meant, and shows the config's warnings; `hubgen
check --strict` reports everything plain `check` does, warnings as errors."""

from __future__ import annotations

from conftest import run_hubgen, said


def test_check_strict_reports_every_problem_plain_check_does_warnings_as_errors(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "colour: blue\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nSee [the old page](/nope/).\n")
    plain = run_hubgen("check", cwd=root)
    strict = run_hubgen("check", "--strict", cwd=root)
    assert plain.code == 1 and strict.code == 1
    assert len(said(plain.out, "warning")) == 1 and len(said(plain.out, "error")) == 1
    assert said(strict.out, "warning") == []
    assert sorted(said(strict.out, "error")) == sorted(
        line.replace(": warning: ", ": error: ") for line in
        said(plain.out, "warning") + said(plain.out, "error"))
    assert "broken link: /nope/" in strict.out and "colour" in strict.out
