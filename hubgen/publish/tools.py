"""Running the external tools a publish needs (git, rsync), with errors the CLI can print."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from hubgen.errors import HubgenError

# Variables that would point git at another repository, index or work tree than the one
# hubgen means: a publish started from inside a git hook must not inherit them.
_GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                           "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE",
                           "GIT_COMMON_DIR", "GIT_PREFIX")


class PublishError(HubgenError):
    """A publish step failed (a tool is missing, or git or rsync said no)."""


def find_tool(name: str, hint: str) -> str:
    """The full path of a command; raises PublishError when it is not installed."""
    found = shutil.which(name)
    if found is None:
        raise PublishError(f"{name} is not installed (or not on PATH); {hint}")
    return found


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment without variables that redirect git, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARIABLES}
    env.update(extra or {})
    return env


def shown(args: Sequence[str]) -> str:
    """A command as a user would type it (the tool by its name, not its full path; not the
    temporary repository a publish works in, which is gone once it fails)."""
    return shlex.join([Path(args[0]).name, *(a for a in args[1:]
                                             if not a.startswith("--git-dir="))])


# Lines that say why a tool failed: the server's own words (a hook's reason, a protected
# branch) and the tool's errors. git's "hint:" lines advise git commands, not hubgen's.
_REASONS = ("remote:", "error:", "fatal:", "!", "rsync:", "rsync error:", "ssh:",
            "cannot delete", "could not make way")


def what_it_said(text: str, most: int = 8) -> str:
    """Why a tool failed, from what it wrote: its reasons, else its last three lines."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("hint:")]
    reasons = [line for line in lines if line.startswith(_REASONS) and line != "remote:"]
    return " | ".join(reasons[-most:] if reasons else lines[-3:])


def run_tool(args: Sequence[str], *, what: str, cwd: Path | None = None,
             env: Mapping[str, str] | None = None, input_text: str | None = None,
             ok: Collection[int] = (0,)) -> subprocess.CompletedProcess[str]:
    """Run a command and return what it printed.

    An exit code outside `ok` raises PublishError: what failed, the last
    lines the command wrote to stderr, and the command itself.
    """
    try:
        completed = subprocess.run(list(args), cwd=cwd,
                                   env=dict(env) if env is not None else clean_environment(),
                                   input=input_text, capture_output=True, text=True,
                                   errors="replace", check=False)
    except OSError as exc:
        raise PublishError(f"{what} failed: cannot run {args[0]} ({exc.strerror or exc})") \
            from None
    if completed.returncode not in ok:
        said = what_it_said(completed.stderr) or what_it_said(completed.stdout) or "no message"
        raise PublishError(f"{what} failed (exit {completed.returncode}): {said} "
                           f"[{shown(args)}]")
    return completed
