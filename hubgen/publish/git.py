"""Publishing the output folder to a branch of a git repository (GitHub Pages and the like).

Like ghp-import, it never touches the hub's own working tree, index or
current branch: all the work happens in a temporary bare repository. The
branch's tip is fetched from the target repository, a tree is made from the
output folder's files (plus `.nojekyll`, and `CNAME` when a domain is set),
one commit is made on top of the tip, and that commit is pushed. The history
of the branch is kept: each publish is one more commit.

The tree carries a manifest of what hubgen published (`.hubgen-manifest.json`,
as the output folder and an rsync destination do): a file hubgen published
before and no longer makes is removed, and every other file of the branch (a
`CNAME` that GitHub's settings wrote, a host's verification file) is kept.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from hubgen.build import BuildResult
from hubgen.build.output import (
    MANIFEST_NAME,
    in_version_control,
    manifest_bytes,
    parse_manifest,
    stale_files,
)
from hubgen.config import CONFIG_NAME
from hubgen.publish.report import PublishReport
from hubgen.publish.targets import GitTarget
from hubgen.publish.tools import PublishError, clean_environment, find_tool, run_tool
from hubgen.wording import some_of

NO_SOURCE = "a working copy"
_IDENT = re.compile(r"(?P<name>.*) <(?P<email>[^>]*)> \d+ [+-]\d{4}")


class _Scratch:
    """The temporary bare repository a publish works in, with its own index file."""

    def __init__(self, git: str, folder: Path, root: Path):
        self.git = git
        self.folder = folder
        self.env = clean_environment({"GIT_INDEX_FILE": str(folder / "hubgen-index"),
                                      **_access_settings(git, root)})

    def run(self, *args: str, what: str, input_text: str | None = None,
            env: dict[str, str] | None = None) -> str:
        return run_tool([self.git, f"--git-dir={self.folder}", *args], what=what,
                        env={**self.env, **(env or {})}, input_text=input_text).stdout


def _access_settings(git: str, root: Path) -> dict[str, str]:
    """The hub repository's settings for reaching remotes (tokens, credential helpers, URL
    rewrites, ssh command), as GIT_CONFIG_* variables for the scratch repository.

    actions/checkout, for one, keeps its token in the checkout's http.*.extraheader.
    """
    listed = subprocess.run(
        [git, "-C", str(root), "config", "--get-regexp",
         r"^(http\..*|credential\..*|url\..*|core\.sshcommand)$"],
        capture_output=True, text=True, env=clean_environment(), check=False)
    if listed.returncode != 0:
        return {}
    env: dict[str, str] = {}
    count = 0
    for line in listed.stdout.splitlines():
        key, _, value = line.partition(" ")
        env[f"GIT_CONFIG_KEY_{count}"] = key
        env[f"GIT_CONFIG_VALUE_{count}"] = value
        count += 1
    if count:
        env["GIT_CONFIG_COUNT"] = str(count)
    return env


def _looks_like_url(value: str) -> bool:
    """A URL git understands: scheme://…, or scp-like user@host:path / host:path."""
    if "://" in value:
        return True
    head, colon, _ = value.partition(":")
    return bool(colon) and len(head) > 1 and "/" not in head


def resolve_repository(git: str, target: GitTarget, root: Path) -> tuple[str, str]:
    """Where to fetch from and push to: `repository` itself, or the URLs of the hub's git
    remote of that name (its push URL may differ)."""
    value = target.repository
    if _looks_like_url(value):
        return value, value
    path = Path(value).expanduser()
    path = path if path.is_absolute() else root / path
    if path.exists():
        return str(path.resolve()), str(path.resolve())
    urls = []
    for push in ([], ["--push"]):
        try:
            url = run_tool([git, "-C", str(root), "remote", "get-url", *push, value],
                           what="reading the hub's git remote").stdout.strip()
        except PublishError:
            raise PublishError(f"publish.{target.name}.repository {value!r} is not a URL, an "
                               "existing folder, nor a remote of the hub's git repository; "
                               "write the repository's URL, e.g. "
                               "https://github.com/org/site.git") from None
        if not _looks_like_url(url) and not Path(url).is_absolute():
            # A remote given as a relative path is relative to the hub repository's top.
            top = run_tool([git, "-C", str(root), "rev-parse", "--show-toplevel"],
                           what="finding the hub's git repository").stdout.strip()
            url = str((Path(top) / url).resolve())
        urls.append(url)
    return urls[0], urls[1]


# The folders a hub is built from, beside its config, as `git status` is asked about them.
_SOURCE_FOLDERS = ("content", "static", "templates", "themes")


def source_commit(git: str, root: Path, config_file: Path) -> str:
    """The hub's commit (`git rev-parse --short HEAD`), with '-dirty' when its sources (the
    config file and the source folders) hold changes not committed (the site was not built
    from that commit alone), or 'a working copy' outside git."""
    try:
        commit = run_tool([git, "-C", str(root), "rev-parse", "--short", "HEAD"],
                          what="reading the hub's commit").stdout.strip()
        if not commit:
            return NO_SOURCE
        changes = run_tool([git, "-C", str(root), "status", "--porcelain", "--",
                            str(config_file.resolve()), *_SOURCE_FOLDERS],
                           what="reading the hub's changes").stdout.strip()
    except PublishError:
        return NO_SOURCE
    return f"{commit}-dirty" if changes else commit


def _identity(git: str, root: Path, scratch: _Scratch) -> dict[str, str]:
    """Who the publish commit is by: the hub repository's git identity, else the user's
    global one, else 'hubgen'."""
    found: dict[str, str] = {}
    for role in ("AUTHOR", "COMMITTER"):
        for where in (["-C", str(root)], [f"--git-dir={scratch.folder}"]):
            try:
                line = run_tool([git, *where, "var", f"GIT_{role}_IDENT"],
                                what="reading the git identity").stdout.strip()
            except PublishError:
                continue
            match = _IDENT.fullmatch(line)
            if match and match["name"] and match["email"]:
                found[f"GIT_{role}_NAME"] = match["name"]
                found[f"GIT_{role}_EMAIL"] = match["email"]
                break
        found.setdefault(f"GIT_{role}_NAME", "hubgen")
        found.setdefault(f"GIT_{role}_EMAIL", "hubgen@localhost")
    return found


def site_files(output: Path, outputs: Iterable[str]) -> dict[str, Path]:
    """The files to publish, by path in the tree: those the build wrote (`outputs`, its
    manifest), never another file of the output folder, nor anything inside a `.git` (or
    `.hg`, `.svn`)."""
    files: dict[str, Path] = {}
    for relative in sorted(outputs):
        path = output / relative
        if in_version_control(relative) or relative == MANIFEST_NAME or not path.is_file():
            continue
        if "\n" in relative or "\r" in relative:
            raise PublishError(f"cannot publish {relative!r}: git cannot take a file "
                               "name with a line break here; rename it")
        if not relative.isprintable() and not _is_utf8(relative):
            shown = relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise PublishError(f"cannot publish {shown!r}: its name is not UTF-8 (an "
                               "address cannot name it); rename it")
        files[relative] = path
    return files


def _is_utf8(name: str) -> bool:
    """False for a name read from the disk whose bytes are not UTF-8 (held as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _write_tree(scratch: _Scratch, files: dict[str, Path], kept: dict[str, str]) -> str:
    """The tree of the site's files, and of the branch's entries `kept` ('MODE SHA' by path)."""
    names = sorted(files)
    stored = scratch.run("hash-object", "-w", "--no-filters", "--stdin-paths",
                         input_text="".join(f"{files[n]}\n" for n in names),
                         what="storing the site's files").split()
    if len(stored) != len(names):
        raise PublishError("storing the site's files failed: git returned "
                           f"{len(stored)} objects for {len(names)} files")
    entries = [f"100644 {sha}\t{name}\0" for name, sha in zip(names, stored, strict=True)]
    entries += [f"{entry}\t{name}\0" for name, entry in sorted(kept.items())]
    scratch.run("update-index", "--add", "-z", "--index-info", input_text="".join(entries),
                what="listing the site's files")
    return scratch.run("write-tree", what="making the site's tree").strip()


def _refuse_clashes(files: Iterable[str], kept: Iterable[str], where: str) -> None:
    """Stop when a file of the branch that hubgen keeps stands where the site has a folder
    (or lies in a folder where the site has a file): a tree cannot hold both, and git
    would leave the site's out."""
    folders = {str(parent) for name in files for parent in PurePosixPath(name).parents}
    kept_folders = {str(parent) for name in kept for parent in PurePosixPath(name).parents}
    clashes = sorted({name for name in kept if name in folders} |
                     {name for name in files if name in kept_folders})
    if clashes:
        raise PublishError(
            f"{where} holds files hubgen did not publish in the way of the site's: "
            f"{some_of(clashes, 10)} (a file where the site has a folder, or a folder where "
            "it has a file). Nothing was pushed; rename or remove them on the branch and "
            "publish again.")


def _branch_files(scratch: _Scratch, tip: str) -> dict[str, str]:
    """Every file of the branch's tip, as 'MODE SHA' by path."""
    listed = scratch.run("ls-tree", "-r", "-z", "--full-tree", tip, what="reading the branch")
    files = {}
    for line in listed.split("\0"):
        head, tab, name = line.partition("\t")
        if tab:
            mode, _kind, sha = head.split()
            files[name] = f"{mode} {sha}"
    return files


def _published_before(scratch: _Scratch, branch: dict[str, str]) -> set[str]:
    """What an earlier publish put on the branch, from its manifest (empty without one)."""
    if MANIFEST_NAME not in branch:
        return set()
    text = scratch.run("cat-file", "blob", branch[MANIFEST_NAME].split()[1],
                       what="reading the branch's manifest")
    return parse_manifest(text) or set()


def _refuse_the_hubs_own_branch(git: str, root: Path, config_path: Path, tip: str,
                                branch: Iterable[str], where: str) -> None:
    """Refuse a branch that holds a hub's config (anywhere in its tree, among the files
    `branch` no publish put there) or whose tip is in the hub's own history: publishing
    there would replace the sources with the site."""
    try:
        top = Path(run_tool([git, "-C", str(root), "rev-parse", "--show-toplevel"],
                            what="finding the hub's git repository").stdout.strip())
        own_config = config_path.resolve().relative_to(top.resolve()).as_posix()
    except (PublishError, ValueError):
        top, own_config = None, ""
    holds_a_hub = any(name in (CONFIG_NAME, own_config) or name.endswith("/" + CONFIG_NAME)
                      for name in branch)
    # 0: an ancestor; 1: not one; 128: a commit the hub's repository does not have.
    in_history = top is not None and run_tool(
        [git, "-C", str(top), "merge-base", "--is-ancestor", tip, "HEAD"],
        what="reading the hub's history", ok=(0, 1, 128)).returncode == 0
    if holds_a_hub or in_history:
        raise PublishError(
            f"{where} holds a hub's sources ({'its ' + own_config if in_history else CONFIG_NAME}"
            "); publishing there would replace them with the built site. "
            "Publish to a branch of its own, e.g. branch: gh-pages.")


def _changes(scratch: _Scratch, parent: str | None, tree: str) -> tuple[list[str], ...]:
    """Added, updated and removed files between the branch's tip and the new tree."""
    if parent is None:
        listed = scratch.run("ls-tree", "-r", "-z", "--name-only", tree,
                             what="listing the new tree")
        return [n for n in listed.split("\0") if n], [], []
    output = scratch.run("diff-tree", "-r", "-z", "--no-renames", "--name-status", parent, tree,
                         what="comparing with the branch")
    fields = [f for f in output.split("\0") if f]
    added: list[str] = []
    updated: list[str] = []
    removed: list[str] = []
    for status, name in zip(fields[0::2], fields[1::2], strict=False):
        {"A": added, "D": removed}.get(status[:1], updated).append(name)
    return added, updated, removed


def _fetch_tip(scratch: _Scratch, repository: str, branch: str) -> str | None:
    """The commit the branch points at in the repository (fetched), or None when it is new."""
    listed = scratch.run("ls-remote", "--heads", repository, f"refs/heads/{branch}",
                         what=f"reading {repository}")
    if not listed.strip():
        return None
    scratch.run("fetch", "--quiet", "--no-tags", "--depth=1", repository,
                f"+refs/heads/{branch}:refs/hubgen/tip",
                what=f"fetching {branch} from {repository}")
    return scratch.run("rev-parse", "--verify", "refs/hubgen/tip^{commit}",
                       what="reading the fetched branch").strip()


def publish_git(target: GitTarget, result: BuildResult, *, dry_run: bool,
                log: Callable[[str], None], left_out: Iterable[str]) -> PublishReport:
    """Commit the files the build wrote onto the target branch (history kept) and push it.
    `left_out`: the files of the output folder no build wrote (see `not_built`)."""
    git = find_tool("git", "install git to publish to a git repository.")
    root = result.config.root
    repository, push_to = resolve_repository(git, target, root)
    report = PublishReport(target.name, target.kind)
    with tempfile.TemporaryDirectory(prefix="hubgen-publish-") as temporary:
        folder = Path(temporary) / "scratch.git"
        run_tool([git, "init", "--quiet", "--bare", str(folder)],
                 what="making a scratch repository")
        scratch = _Scratch(git, folder, root)
        log(f"Reading {target.branch} of {repository}")
        where = f"{target.branch} of {repository}"
        parent = _fetch_tip(scratch, repository, target.branch)
        branch = _branch_files(scratch, parent) if parent is not None else {}
        published = _published_before(scratch, branch)
        if parent is not None:   # a sample hubgen.yaml the site itself publishes is no hub
            _refuse_the_hubs_own_branch(git, root, result.config.path, parent,
                                        set(branch) - published, where)

        files = site_files(result.output, result.outputs)
        extras = Path(temporary) / "extras"
        extras.mkdir()
        (extras / ".nojekyll").write_bytes(b"")
        files[".nojekyll"] = extras / ".nojekyll"
        if target.domain:
            (extras / "CNAME").write_text(target.domain + "\n", encoding="utf-8")
            files["CNAME"] = extras / "CNAME"
        stale = set(stale_files(published, files))
        # An earlier hubgen published every file of the output folder: one put there by
        # hand, and still there, stays on the branch as that publish left it (and in the
        # manifest: taking it out of the folder takes it down), never deleted unasked.
        carried = stale & set(left_out)
        stale -= carried
        (extras / MANIFEST_NAME).write_bytes(manifest_bytes([*files, *carried]))
        kept = {name: entry for name, entry in branch.items()
                if name not in files and name not in stale and name != MANIFEST_NAME}
        files[MANIFEST_NAME] = extras / MANIFEST_NAME
        _refuse_clashes(files, kept, where)
        tree = _write_tree(scratch, files, kept)
        report.added, report.updated, report.removed = _changes(scratch, parent, tree)
        report.added = [name for name in report.added if name != MANIFEST_NAME]
        report.updated = [name for name in report.updated if name != MANIFEST_NAME]
        report.kept = sorted(set(kept) - carried)

        if parent is not None and not (report.added or report.updated or report.removed):
            report.detail = f"{where} already holds this site (at {parent[:7]}); nothing to push"
            return report
        if dry_run:
            on_top = f"on top of {parent[:7]}" if parent else "as its first commit"
            report.detail = f"would commit to {where} {on_top}; nothing was pushed"
            return report

        message = target.message.replace("{source}", source_commit(git, root, result.config.path))
        commit_args = ["commit-tree", tree, "-m", message]
        if parent is not None:
            commit_args += ["-p", parent]
        commit = scratch.run(*commit_args, what="making the publish commit",
                             env=_identity(git, root, scratch)).strip()
        log(f"Pushing {commit[:7]} to {where}")
        try:
            scratch.run("push", "--quiet", push_to, f"{commit}:refs/heads/{target.branch}",
                        what=f"pushing to {target.branch} of {push_to}")
        except PublishError as exc:
            if "fetch first" in str(exc) or "non-fast-forward" in str(exc):
                raise PublishError(f"{exc}. The branch moved while hubgen published (someone "
                                   "else published); run hubgen publish again.") from None
            raise
        report.detail = f"{where} is now at {commit[:7]}" + \
            (f" (parent {parent[:7]})" if parent else " (a new branch)")
    return report
