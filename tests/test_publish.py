"""`hubgen publish`: a git branch with its history kept, an rsync destination where only
hubgen's own stale files go, host files for Netlify and Cloudflare Pages, dry runs that
change nothing, and clear errors for a bad `publish:` section or a failed build."""
# Expected error texts are quoted exactly as the command prints them.
# ruff: noqa: E501

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import all_files, run_hubgen
from serving import static_server

from hubgen.config import load_config
from hubgen.errors import Diagnostics, UsageError
from hubgen.publish import choose_target, read_targets
from hubgen.publish.rsync import (
    copy_command,
    delete_with_rsync,
    deletion_command,
    deletion_rules,
    inside,
    is_remote,
)

# A fixed git identity and no user or system git config, so the tests mean the same
# everywhere.
GIT_ENV = {"GIT_AUTHOR_NAME": "Hub Tester", "GIT_AUTHOR_EMAIL": "tester@example.com",
           "GIT_COMMITTER_NAME": "Hub Tester", "GIT_COMMITTER_EMAIL": "tester@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
SECOND_POST = "content/posts/2026-03-05-second.md"

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")


def git(*args: str, cwd: Path) -> str:
    """Run git as the user would, and return what it printed."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=True)
    return done.stdout.strip()


def publish(root: Path, *args: str, env: dict[str, str] | None = None):
    """Run `hubgen publish ARGS` in the hub."""
    return run_hubgen("publish", *args, cwd=root, env={**GIT_ENV, **(env or {})})


def with_publish(root: Path, section: str) -> int:
    """Add a publish: section to the hub's config; returns the line of 'publish:'."""
    config = root / "hubgen.yaml"
    text = config.read_text()
    config.write_text(text + "publish:\n" + section)
    return text.count("\n") + 1


def make_git_hub(hub, section: str) -> Path:
    """The minimal hub as a git checkout: one commit, then a staged file and an uncommitted
    edit, the state a publish must leave exactly as it found it."""
    root = hub("minimal")
    with_publish(root, section)
    (root / ".gitignore").write_text("public/\n.hubgen-cache/\n")
    git("init", "--quiet", "--initial-branch=main", cwd=root)
    git("add", ".", cwd=root)
    git("commit", "--quiet", "-m", "The hub", cwd=root)
    (root / "notes.txt").write_text("a staged note\n")
    git("add", "notes.txt", cwd=root)
    about = root / "content/pages/about.md"
    about.write_text(about.read_text() + "\nAn edit not yet committed.\n")
    return root


def bare_repository(path: Path) -> Path:
    git("init", "--quiet", "--bare", str(path), cwd=path.parent)
    return path


def branch_log(repository: Path, branch: str = "gh-pages") -> list[tuple[str, str, str]]:
    """(commit, parents, subject) of each commit of the branch, newest first."""
    lines = git(f"--git-dir={repository}", "log", "--format=%H|%P|%s", branch, cwd=repository)
    return [tuple(line.split("|", 2)) for line in lines.splitlines()]  # type: ignore[misc]


def tree_files(repository: Path, ref: str = "gh-pages") -> dict[str, str]:
    names = git(f"--git-dir={repository}", "ls-tree", "-r", "--name-only", ref, cwd=repository)
    return {name: git(f"--git-dir={repository}", "show", f"{ref}:{name}", cwd=repository)
            for name in names.splitlines()}


def hub_state(root: Path) -> tuple[str, str, str, str]:
    """Working tree, index, current branch and commit of the hub's own repository."""
    return (git("status", "--porcelain", cwd=root), git("diff", "--cached", cwd=root),
            git("rev-parse", "--abbrev-ref", "HEAD", cwd=root), git("rev-parse", "HEAD", cwd=root))


def summary(run) -> str:
    return next(line for line in run.out.splitlines()
                if line.startswith(("Published to", "Dry run for", "Built for")))


# ------------------------------------------------------------------------------------- git


def test_git_publish_keeps_history_and_never_touches_the_hubs_repository(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    root = make_git_hub(hub, '  pages: {type: git, repository: ../site.git, branch: gh-pages, '
                             'domain: hub.example.com, message: "Publish {source}"}\n')
    source = git("rev-parse", "--short", "HEAD", cwd=root)
    before = hub_state(root)

    first = publish(root)
    assert first.code == 0, first.err
    assert summary(first).startswith("Published to pages (git): ")
    [(commit, parents, subject)] = branch_log(remote)
    # The about page's edit is not committed: the commit alone did not make the site.
    assert parents == "" and subject == f"Publish {source}-dirty"
    published = tree_files(remote)
    assert published[".nojekyll"] == "" and published["CNAME"] == "hub.example.com"
    assert "index.html" in published and "posts/second/index.html" in published
    # The branch lists what hubgen put there, and only that: the next publish deletes
    # nothing else.
    listed = json.loads(published[".hubgen-manifest.json"])["files"]
    assert listed == sorted(set(published) - {".hubgen-manifest.json"})
    assert "An edit not yet committed." in published["about/index.html"]
    # The published tree gets .nojekyll and CNAME; the output folder does not.
    assert not (root / "public/.nojekyll").exists() and not (root / "public/CNAME").exists()
    assert hub_state(root) == before

    # A post goes, and a .git of the user's appears in the output: neither is published.
    (root / SECOND_POST).unlink()
    (root / "public/.git").mkdir()
    (root / "public/.git/HEAD").write_text("ref: refs/heads/main\n")
    before = hub_state(root)
    second = publish(root)
    assert second.code == 0, second.err
    log = branch_log(remote)
    assert [entry[0] for entry in log[1:]] == [commit]
    assert log[0][1] == commit and log[0][2] == f"Publish {source}-dirty"
    published = tree_files(remote)
    assert "posts/second/index.html" not in published and ".git/HEAD" not in published
    assert "posts/second/index.html" in second.out   # listed as removed
    assert hub_state(root) == before

    # Nothing changed: no empty commit.
    third = publish(root)
    assert third.code == 0, third.err
    assert summary(third) == "Published to pages (git): 0 added, 0 updated, 0 removed"
    assert len(branch_log(remote)) == 2

    # Every change committed: the commit alone made the site.
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nOne more line.\n")
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "More", cwd=root)
    fourth = publish(root)
    assert fourth.code == 0, fourth.err
    assert branch_log(remote)[0][2] == f"Publish {git('rev-parse', '--short', 'HEAD', cwd=root)}"


def test_an_uncommitted_edit_of_a_config_named_with_config_makes_the_source_dirty(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    root = make_git_hub(hub, "  pages: {type: git, repository: ../site.git}\n")
    git("checkout", "--quiet", "--", "content", cwd=root)
    git("mv", "hubgen.yaml", "site.yaml", cwd=root)
    git("commit", "--quiet", "-m", "Renamed", cwd=root)
    config = root / "site.yaml"
    config.write_text(config.read_text().replace("paginate: 2", "paginate: 3"))
    run = publish(root, "--config", "site.yaml")
    assert run.code == 0, run.err
    short = git("rev-parse", "--short", "HEAD", cwd=root)
    assert branch_log(remote)[0][2] == f"Publish {short}-dirty"


def test_git_publish_adds_a_commit_on_top_of_an_existing_branch(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    # Someone published by hand before: two commits on gh-pages, with a page of their own.
    old = tmp_path / "old-site"
    old.mkdir()
    git("init", "--quiet", "--initial-branch=gh-pages", cwd=old)
    (old / "index.html").write_text("<p>the old site</p>\n")
    git("add", ".", cwd=old)
    git("commit", "--quiet", "-m", "Old site", cwd=old)
    (old / "legacy.html").write_text("<p>legacy</p>\n")
    git("add", ".", cwd=old)
    git("commit", "--quiet", "-m", "Legacy page", cwd=old)
    git("push", "--quiet", str(remote), "gh-pages", cwd=old)
    old_tip = git("rev-parse", "HEAD", cwd=old)

    root = hub("minimal")   # not a git checkout
    with_publish(root, f"  pages: {{type: git, repository: '{remote}'}}\n")
    run = publish(root)
    assert run.code == 0, run.err
    log = branch_log(remote)
    assert len(log) == 3 and log[0][1] == old_tip
    assert log[0][2] == "Publish a working copy"
    git(f"--git-dir={remote}", "merge-base", "--is-ancestor", old_tip, "gh-pages", cwd=tmp_path)
    # Their index.html is replaced (it stays in the history); their own page is kept.
    assert tree_files(remote)["legacy.html"] == "<p>legacy</p>"
    assert summary(run).endswith("1 updated, 0 removed")
    assert "Kept 1 file hubgen did not publish: legacy.html" in run.out


def published_and_cloned(hub, tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path, Path]:
    """The minimal hub published to a new repository, and a clone of its gh-pages with
    `files` committed there by someone else (not pushed): (hub, repository, clone)."""
    remote = bare_repository(tmp_path / "site.git")
    root = hub("minimal")
    with_publish(root, f"  pages: {{type: git, repository: '{remote}'}}\n")
    assert publish(root).code == 0
    clone = tmp_path / "clone"
    git("clone", "--quiet", "--branch", "gh-pages", str(remote), str(clone), cwd=tmp_path)
    for name, text in files.items():
        (clone / name).write_text(text)
    git("add", ".", cwd=clone)
    git("commit", "--quiet", "-m", "Someone else's commit", cwd=clone)
    return root, remote, clone


def test_git_publish_keeps_the_files_of_the_branch_it_did_not_write(hub, tmp_path):
    # GitHub's "Custom domain" setting commits a CNAME; a host's check adds a file.
    root, remote, clone = published_and_cloned(hub, tmp_path, {
        "CNAME": "hub.example.com\n",
        "google1234.html": "google-site-verification: google1234.html\n"})
    git("push", "--quiet", "origin", "gh-pages", cwd=clone)

    (root / SECOND_POST).unlink()
    run = publish(root)
    assert run.code == 0, run.err
    published = tree_files(remote)
    assert published["CNAME"] == "hub.example.com"
    assert "google1234.html" in published
    assert "posts/second/index.html" not in published   # hubgen's own, gone with the post
    assert "Kept 2 files hubgen did not publish: CNAME, google1234.html" in run.out
    assert "CNAME" not in json.loads(published[".hubgen-manifest.json"])["files"]


def test_git_publish_refuses_a_branch_file_standing_where_the_site_has_a_folder(hub, tmp_path):
    root, remote, clone = published_and_cloned(hub, tmp_path, {"guides": "someone's notes\n"})
    (clone / "team").mkdir()
    (clone / "team/list.txt").write_text("someone's list\n")
    git("add", ".", cwd=clone)
    git("commit", "--quiet", "-m", "More of someone else's", cwd=clone)
    git("push", "--quiet", "origin", "gh-pages", cwd=clone)
    before = branch_log(remote)
    (root / "content/pages/guides.md").write_text("---\ntitle: Guides\n---\nHow to.\n")
    (root / "static").mkdir(exist_ok=True)
    (root / "static/team").write_text("the site's own file\n")
    run = publish(root)
    assert run.code == 1
    assert "holds files hubgen did not publish in the way of the site's: guides, team (a file " \
           "where the site has a folder, or a folder where it has a file). Nothing was pushed" \
           in run.err
    assert branch_log(remote) == before


def test_git_publish_names_a_file_whose_name_is_not_utf8(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    root = hub("minimal")
    with_publish(root, f"  pages: {{type: git, repository: '{remote}'}}\n")
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / os.fsdecode(b"caf\xe9.txt")).write_text("Latin-1 named\n")
    run = publish(root)
    assert run.code == 1
    assert "cannot publish 'caf\ufffd.txt': its name is not UTF-8 (an address cannot name " \
           "it); rename it" in run.err


def test_git_repository_defaults_to_the_hubs_origin(hub, tmp_path):
    remote = bare_repository(tmp_path / "origin.git")
    root = make_git_hub(hub, "  pages: {type: git}\n")
    git("remote", "add", "origin", str(remote), cwd=root)
    run = publish(root, "pages")
    assert run.code == 0, run.err
    assert len(branch_log(remote)) == 1 and ".nojekyll" in tree_files(remote)
    assert "CNAME" not in tree_files(remote)


def test_git_dry_run_lists_the_changes_and_pushes_nothing(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    root = make_git_hub(hub, "  pages: {type: git, repository: ../site.git}\n")
    fresh = publish(root, "--dry-run")
    assert fresh.code == 0, fresh.err
    assert summary(fresh).startswith("Dry run for pages (git): ")
    assert "(nothing was changed)" in summary(fresh)
    assert git(f"--git-dir={remote}", "branch", "--list", cwd=tmp_path) == ""

    assert publish(root).code == 0
    tip = git(f"--git-dir={remote}", "rev-parse", "gh-pages", cwd=tmp_path)
    (root / SECOND_POST).unlink()
    run = publish(root, "--dry-run")
    assert run.code == 0, run.err
    assert "(nothing was changed)" in summary(run)
    assert "posts/second/index.html" in run.out
    assert git(f"--git-dir={remote}", "rev-parse", "gh-pages", cwd=tmp_path) == tip


def test_git_failure_is_one_clear_line(hub, tmp_path):
    root = hub("minimal")
    with_publish(root, f"  pages: {{type: git, repository: 'file://{tmp_path}/nowhere.git'}}\n")
    run = publish(root)
    assert run.code == 1
    assert "Traceback" not in run.err
    assert "nowhere.git" in run.err and "git ls-remote" in run.err


def test_a_refused_push_says_why_in_the_server_s_words(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    hook = remote / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'Pushes to gh-pages are frozen until Monday.' >&2\n"
                    "exit 1\n")
    hook.chmod(0o755)
    root = hub("minimal")
    with_publish(root, f"  pages: {{type: git, repository: '{remote}'}}\n")
    run = publish(root)
    assert run.code == 1
    assert "remote: Pushes to gh-pages are frozen until Monday." in run.err
    assert "pre-receive hook declined" in run.err
    assert "--git-dir" not in run.err and "hint:" not in run.err


def test_a_branch_that_moves_during_a_publish_asks_for_another_publish(hub, tmp_path):
    # Someone else publishes between hubgen's fetch and its push: a git that, asked to
    # push, first lets another clone push a commit.
    root, remote, other = published_and_cloned(hub, tmp_path,
                                               {"theirs.html": "<p>theirs</p>\n"})
    real = shutil.which("git")
    wrapper = tmp_path / "bin/git"
    wrapper.parent.mkdir()
    wrapper.write_text(f"#!/bin/sh\nfor a in \"$@\"; do if [ \"$a\" = push ]; then "
                       f"(cd '{other}' && '{real}' push --quiet origin gh-pages); fi; done\n"
                       f"exec '{real}' \"$@\"\n")
    wrapper.chmod(0o755)
    (root / SECOND_POST).unlink()
    run = publish(root, env={"PATH": f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}"})
    assert run.code == 1
    assert "[rejected]" in run.err
    assert "The branch moved while hubgen published (someone else published); run hubgen " \
           "publish again." in run.err
    assert "theirs.html" in tree_files(remote)


def test_git_refuses_a_repository_that_is_neither_url_folder_nor_remote(hub):
    root = hub("minimal")
    with_publish(root, "  pages: {type: git, repository: upstream}\n")
    run = publish(root)
    assert run.code == 1
    assert "publish.pages.repository 'upstream' is not a URL, an existing folder, nor a " \
           "remote of the hub's git repository" in run.err


# ------------------------------------------------------------------------------------- rsync


@needs_rsync
def test_rsync_deletes_only_hubgens_stale_files(hub, tmp_path):
    destination = tmp_path / "www"
    (destination / "posts/second").mkdir(parents=True)
    (destination / "foreign.txt").write_text("the host's own file\n")
    (destination / "posts/second/notes.txt").write_text("also the host's\n")
    root = hub("minimal")
    with_publish(root, '  mirror: {type: rsync, destination: ../www, options: ["--chmod=F644"]}\n')

    first = publish(root)
    assert first.code == 0, first.err
    assert summary(first).startswith("Published to mirror (rsync): ")
    output = all_files(root / "public")
    copied = all_files(destination)
    assert {k: v for k, v in copied.items() if k in output} == output
    assert (destination / ".hubgen-manifest.json").read_bytes() == \
        (root / "public/.hubgen-manifest.json").read_bytes()
    assert (destination / "index.html").stat().st_mode & 0o777 == 0o644

    # The post is deleted: its page was hubgen's, so it goes; the host's files stay.
    (root / SECOND_POST).unlink()
    second = publish(root)
    assert second.code == 0, second.err
    assert not (destination / "posts/second/index.html").exists()
    assert (destination / "foreign.txt").read_text() == "the host's own file\n"
    assert (destination / "posts/second/notes.txt").exists()
    assert summary(second).endswith("2 removed")   # the post's page and the home's page 2
    assert "posts/second/index.html" in second.out
    new = all_files(root / "public")
    assert {k: v for k, v in all_files(destination).items() if k in new} == new


@needs_rsync
def test_rsync_never_replaces_a_file_no_publish_wrote(hub, tmp_path):
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www}\n")
    assert run_hubgen("build", cwd=root).code == 0
    destination = tmp_path / "www"
    destination.mkdir()
    (destination / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (destination / "index.html").write_text("<p>the host's own home page</p>\n")
    # A file with the very bytes the site has is taken in.
    (destination / "404.html").write_bytes((root / "public/404.html").read_bytes())
    run = publish(root)
    assert run.code == 1
    assert "holds 2 files that no publish of hubgen's wrote and the site would replace: " \
           "index.html, robots.txt. Nothing was copied" in run.err
    assert sorted(p.name for p in destination.iterdir()) == ["404.html", "index.html",
                                                             "robots.txt"]
    assert (destination / "robots.txt").read_text().endswith("Disallow: /private/\n")

    (destination / "robots.txt").unlink()
    (destination / "index.html").unlink()
    assert publish(root).code == 0
    # Once published, hubgen's own files are replaced as the site changes.
    (root / SECOND_POST).unlink()
    again = publish(root)
    assert again.code == 0, again.err
    assert "updated index.html" in again.out


@needs_rsync
def test_rsync_never_deletes_a_file_or_replaces_a_symlink_the_site_needs_the_place_of(
        hub, tmp_path):
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www}\n")
    destination = tmp_path / "www"
    destination.mkdir()
    (destination / "about").write_text("the host's own file, where the site has a folder\n")
    (tmp_path / "shared.txt").write_text("User-agent: *\n")
    (destination / "robots.txt").symlink_to(tmp_path / "shared.txt")
    for args in (("--dry-run",), ()):
        run = publish(root, *args)
        assert run.code == 1
        assert "holds 2 files that no publish of hubgen's wrote and the site would replace: " \
               "about, robots.txt. Nothing was copied" in run.err
    assert sorted(p.name for p in destination.iterdir()) == ["about", "robots.txt"]
    assert (destination / "about").read_text().startswith("the host's own file")
    assert (destination / "robots.txt").is_symlink()


@needs_rsync
def test_a_publish_stopped_after_its_copy_is_taken_up_by_the_next(hub, tmp_path):
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www/site}\n")
    assert publish(root).code == 0, "the destination's missing folders are made"
    # rsync stops with an error once it has copied the files (a dropped connection, say).
    stopping = tmp_path / "bin"
    stopping.mkdir()
    (stopping / "rsync").write_text(
        f'#!/bin/sh\n{shutil.which("rsync")} "$@" || exit $?\n'
        'case " $* " in *" --dry-run "*) ;; *" --checksum "*) exit 23;; esac\n')
    (stopping / "rsync").chmod(0o755)
    post = root / "content/posts/2026-04-01-launch.md"
    post.write_text("---\ntitle: Launch\n---\nFirst words.\n")
    stopped = publish(root, env={"PATH": f"{stopping}:{os.environ['PATH']}"})
    assert stopped.code == 1
    destination = tmp_path / "www/site"
    assert (destination / "posts/launch/index.html").exists()
    # The page copied then is hubgen's: the next publishes update it, then delete it.
    post.write_text("---\ntitle: Launch\n---\nBetter words.\n")
    updated = publish(root)
    assert updated.code == 0, updated.err
    assert "Better words." in (destination / "posts/launch/index.html").read_text()
    post.unlink()
    removed = publish(root)
    assert removed.code == 0, removed.err
    assert not (destination / "posts/launch").exists()
    output = all_files(root / "public")
    assert {k: v for k, v in all_files(destination).items()} == output


@needs_rsync
def test_rsync_over_ssh_makes_the_folder_then_deletes_only_its_stale_files(hub, tmp_path):
    # An ssh that runs rsync's server here: the remote code paths, for real.
    ssh = tmp_path / "ssh"
    ssh.write_text('#!/bin/sh\nshift\nexec "$@"\n')
    ssh.chmod(0o755)
    (tmp_path / "srv").mkdir()
    destination = tmp_path / "srv/hub"
    root = hub("minimal")
    # No '/' at its end, and options that list a symlink with its target (-a): as users write.
    with_publish(root, f"  mirror: {{type: rsync, destination: 'host.example:{destination}', "
                       f"options: ['--rsh={ssh}', '-a']}}\n")
    first = publish(root)
    assert first.code == 0, first.err
    assert all_files(destination) == {**all_files(root / "public")}
    (destination / "notes.txt").write_text("the host's own\n")
    (root / SECOND_POST).unlink()
    second = publish(root)
    assert second.code == 0, second.err
    assert not (destination / "posts/second").exists()
    assert (destination / "notes.txt").read_text() == "the host's own\n"
    # A file of the host's where a new page needs a folder: refused, as on this machine.
    (destination / "guides").write_text("the host's guides\n")
    (root / "content/pages/guides.md").write_text("---\ntitle: Guides\n---\nHow to.\n")
    third = publish(root)
    assert third.code == 1
    assert "holds 1 file that no publish of hubgen's wrote and the site would replace: " \
           "guides. Nothing was copied" in third.err
    assert (destination / "guides").read_text() == "the host's guides\n"
    (destination / "guides").unlink()
    (destination / "guides").symlink_to(tmp_path / "srv")
    assert publish(root).code == 1
    assert (destination / "guides").is_symlink()


@needs_rsync
def test_rsync_refuses_a_host_file_put_where_the_site_s_folder_was(hub, tmp_path):
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www}\n")
    assert publish(root).code == 0
    destination = tmp_path / "www"
    shutil.rmtree(destination / "about")
    (destination / "about").write_text("the host's own about\n")
    again = publish(root)        # nothing new in the site: no dry run, the check still runs
    assert again.code == 1
    assert "the site would replace: about. Nothing was copied" in again.err
    assert (destination / "about").read_text() == "the host's own about\n"


@needs_rsync
def test_rsync_dry_run_changes_nothing(hub, tmp_path):
    destination = tmp_path / "www"
    destination.mkdir()
    (destination / "foreign.txt").write_text("mine\n")
    root = hub("minimal")
    with_publish(root, f"  mirror: {{type: rsync, destination: '{destination}'}}\n")
    assert publish(root).code == 0
    before = all_files(destination)
    (root / SECOND_POST).unlink()
    (root / "content/pages/about.md").write_text("---\ntitle: About, again\n---\nNew text.\n")
    run = publish(root, "--dry-run")
    assert run.code == 0, run.err
    assert summary(run).startswith("Dry run for mirror (rsync): ")
    assert "(nothing was changed)" in summary(run)
    assert "posts/second/index.html" in run.out and "about/index.html" in run.out
    assert all_files(destination) == before


def test_rsync_missing_is_a_clear_error(hub, tmp_path):
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www}\n")
    empty = tmp_path / "bin"
    empty.mkdir()
    run = publish(root, env={"PATH": str(empty)})
    assert run.code == 1
    assert "rsync is not installed" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "www").exists()


@needs_rsync
def test_rsync_refuses_a_destination_that_holds_the_hub(hub):
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: .}\n")
    run = publish(root)
    assert run.code == 1
    assert "refusing to publish to" in run.err and "it holds the output folder" in run.err
    assert not (root / "index.html").exists()


@needs_rsync
def test_rsync_refuses_the_folder_a_linked_static_folder_leads_to(hub, tmp_path):
    root = hub("minimal")
    shared = tmp_path / "shared-assets"
    shutil.move(root / "static", shared)
    (root / "static").symlink_to(shared)
    before = all_files(shared)
    with_publish(root, f"  mirror: {{type: rsync, destination: {shared}}}\n")
    run = publish(root)
    assert run.code == 1, run.out
    assert "it lies inside the hub's sources; nothing was copied" in run.err
    assert all_files(shared) == before


@needs_rsync
@pytest.mark.parametrize("destination", ["public/sub", "public"])
def test_rsync_refuses_a_destination_in_the_output_folder_in_a_dry_run_too(hub, destination):
    root = hub("minimal")
    with_publish(root, f"  mirror: {{type: rsync, destination: {destination}}}\n")
    for args in (("--dry-run",), ()):
        run = publish(root, *args)
        assert run.code == 1, run.out
        assert "it is the output folder, or lies inside it; nothing was copied" in run.err


def test_ssh_destinations_are_reached_with_rsync_commands():
    assert is_remote("deploy@host.example.com:/srv/hub/")
    assert is_remote("host:site/") and is_remote("host::module/hub")
    assert is_remote("rsync://host/module/")
    assert not is_remote("/srv/hub") and not is_remote("./odd:name") and not is_remote("../www")
    assert inside("deploy@host:/srv/hub/", ".hubgen-manifest.json") == \
        "deploy@host:/srv/hub/.hubgen-manifest.json"
    assert inside("deploy@host:/srv/hub", "x") == "deploy@host:/srv/hub/x"
    assert inside("host:", "x") == "host:x"

    copy = copy_command("rsync", Path("/hub/public"), "deploy@host:/srv/hub/",
                        ["--chmod=F644", "-e", "ssh -p 2222"], dry_run=True,
                        files_from=Path("/tmp/site-files"))
    # Only the files the build wrote, listed: never another file of the output folder.
    assert copy == ["rsync", "-a", "--checksum", "--files-from=/tmp/site-files", "--from0",
                    "--exclude=/.hubgen-manifest.json", "--exclude=.git",
                    "--chmod=F644", "-e", "ssh -p 2222", "-8", "--out-format=hubgen:%i %n",
                    "--dry-run", "/hub/public/", "deploy@host:/srv/hub/"]

    rules = deletion_rules(["posts/old/index.html", "odd [1]*.html", "tags/x/feed.xml"])
    assert rules == ["/posts/", "/posts/old/", "/tags/", "/tags/x/",
                     "/odd \\[1]\\*.html", "/posts/old/index.html", "/tags/x/feed.xml"]
    delete = deletion_command("rsync", Path("/tmp/skeleton"), "deploy@host:/srv/hub/",
                              Path("/tmp/rules"), ["--include=*.html"], dry_run=False)
    # hubgen's rules come first and end with "exclude everything else": no option of the
    # user's can widen what is deleted.
    assert delete[:6] == ["rsync", "--recursive", "--delete", "--existing",
                          "--include-from=/tmp/rules", "--exclude=*"]
    assert delete[-2:] == ["/tmp/skeleton/", "deploy@host:/srv/hub/"]
    assert delete.index("--include=*.html") > delete.index("--exclude=*")


@needs_rsync
def test_the_ssh_deletion_rules_delete_only_the_stale_files(tmp_path):
    """The rsync run used for servers, tried for real on a folder here."""
    output = tmp_path / "public"
    (output / "posts").mkdir(parents=True)
    (output / "posts/kept.html").write_text("kept\n")
    destination = tmp_path / "www"
    files = {"posts/kept.html": "kept", "posts/stale.html": "stale", "odd [1]*.html": "odd",
             "gone/only-stale.html": "stale", "dropped/stale.html": "stale",
             "dropped/foreign.txt": "foreign", "posts/foreign.html": "foreign",
             "odd [1]x.html": "foreign", "foreign.txt": "foreign"}
    for name, text in files.items():
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        (destination / name).write_text(text)
    stale = ["posts/stale.html", "odd [1]*.html", "gone/only-stale.html", "dropped/stale.html"]
    work = tmp_path / "work"
    work.mkdir()
    removed = delete_with_rsync(shutil.which("rsync") or "rsync", output, f"{destination}/",
                                stale, [], dry_run=False, workdir=work)
    assert sorted(removed) == sorted(stale)
    left = {p.relative_to(destination).as_posix() for p in destination.rglob("*")}
    assert left == {"posts", "posts/kept.html", "posts/foreign.html", "odd [1]x.html",
                    "dropped", "dropped/foreign.txt", "foreign.txt"}


# ------------------------------------------------------------------------- Netlify, Cloudflare

GISCUS = "comments:\n  provider: giscus\n  giscus: {repo: org/name, repo_id: R_abc, " \
         "category: Comments, category_id: DIC_xyz}\n"


def _alias(root: Path, post: str = "content/posts/2026-03-01-first-post.md",
           aliases: str = "[/old/first/, /2026/first-post.html]") -> None:
    path = root / post
    path.write_text(path.read_text().replace("---\n", f"---\naliases: {aliases}\n", 1))


def _headers(text: str) -> dict[str, list[str]]:
    """Each rule of a _headers file: path → its header lines."""
    rules: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("  "):
            rules[current].append(line.strip())
        else:
            current = line
            rules[current] = []
    return rules


def test_netlify_host_files_carry_security_headers_caching_and_redirects(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + GISCUS)
    with_publish(root, "  netlify: {type: netlify}\n")
    _alias(root)
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    rules = _headers((root / "public/_headers").read_text())
    everything = rules["/*"]
    [csp] = [h for h in everything if h.startswith("Content-Security-Policy: ")]
    directives = dict(d.split(" ", 1) for d in csp.split(": ", 1)[1].split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self' https://giscus.app"
    assert directives["frame-src"] == "'self' https://giscus.app"
    assert directives["style-src"] == "'self' https://giscus.app"
    assert directives["connect-src"] == "'self'" and directives["img-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert everything[1:] == ["X-Content-Type-Options: nosniff",
                              "Referrer-Policy: strict-origin-when-cross-origin",
                              "Permissions-Policy: camera=(), microphone=(), geolocation=()",
                              "X-Frame-Options: SAMEORIGIN"]
    long = "Cache-Control: public, max-age=31536000, immutable"
    short = "Cache-Control: public, max-age=0, must-revalidate"
    assert rules["/css/*"] == [long] and rules["/js/*"] == [long]
    for path in ("/", "/*/", "/*.html", "/*.xml"):
        assert rules[path] == [short]
    # Both hosts join a header two matching rules set: no rule for all paths sets caching.
    assert not any(h.startswith("Cache-Control") for h in everything)
    # The theme's assets really are fingerprinted, so the long caching is safe.
    home = (root / "public/index.html").read_text()
    assert "/css/hub.css?v=" in home

    redirects = (root / "public/_redirects").read_text().splitlines()
    # Netlify serves the forwarding page at the old address unless the rule is forced.
    assert "/old/first/ /posts/first-post/ 301!" in redirects
    assert "/2026/first-post.html /posts/first-post/ 301!" in redirects
    assert (root / "public/old/first/index.html").exists()   # the forwarding page stays
    manifest = (root / "public/.hubgen-manifest.json").read_text()
    assert '"_headers"' in manifest and '"_redirects"' in manifest


def test_cloudflare_host_files_keep_the_base_path(hub):
    root = hub("subpath")
    with_publish(root, "  cf: {type: cloudflare, project: my-hub}\n")
    _alias(root, aliases="[/old/first/, /release-v1.2, /old/page.php, /old/plain]")
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    rules = _headers((root / "public/_headers").read_text())
    assert set(rules) == {"/hub/*", "/hub/css/*", "/hub/js/*", "/hub/", "/hub/*/",
                          "/hub/*.html", "/hub/*.xml", "/hub/*.ics"}
    redirects = (root / "public/_redirects").read_text().splitlines()
    # Cloudflare applies rules before files, and refuses the '!' of a forced rule. Each
    # old address as readers ask for it, though its forwarding page is in a folder.
    assert redirects[1:] == ["/hub/old/first/ /hub/posts/first-post/ 301",
                             "/hub/release-v1.2 /hub/posts/first-post/ 301",
                             "/hub/old/page.php /hub/posts/first-post/ 301",
                             "/hub/old/plain /hub/posts/first-post/ 301"]
    assert (root / "public/release-v1.2/index.html").is_file()


def test_the_policy_follows_what_pages_load(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "comments:\n  provider: disqus\n"
                      "  disqus: {shortname: myhub}\n")
    with_publish(root, "  netlify: {type: netlify}\n  cf: {type: cloudflare}\n")
    post = root / "content/posts/2026-03-01-first-post.md"
    post.write_text(post.read_text().replace(
        "---\n", '---\ncomments: {mastodon: {url: "https://mastodon.social/@hub/1234"}}\n', 1)
        + '\n<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>\n'
        + "\n![A remote cup](https://images.example.org/cup.png)\n")
    _alias(root, aliases="[/old/first/]")
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    [csp] = [h for h in _headers((root / "public/_headers").read_text())["/*"]
             if h.startswith("Content-Security-Policy: ")]
    directives = dict(d.split(" ", 1) for d in csp.split(": ", 1)[1].split("; "))
    # Mastodon replies are fetched from whichever server the toot lives on.
    assert directives["connect-src"].split() == ["'self'", "https://*.disqus.com", "https:"]
    # The theme's Disqus embed configures Disqus with an inline script.
    assert "'unsafe-inline'" in directives["script-src"]
    assert "https://www.youtube-nocookie.com" in directives["frame-src"]
    assert "https://images.example.org" in directives["img-src"]
    # With Netlify and Cloudflare both, the rule is plain 301 (Cloudflare refuses '!').
    assert "/old/first/ /posts/first-post/ 301" in \
        (root / "public/_redirects").read_text().splitlines()


_WATCH_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => {
  (window.__violations = window.__violations || []).push(
    event.violatedDirective + " " + event.blockedURI);
});"""


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Chromium is not installed")
def test_the_policy_lets_the_site_and_its_comments_work_in_a_browser(hub):
    from browser import chromium

    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + GISCUS)
    with_publish(root, "  netlify: {type: netlify}\n")
    assert run_hubgen("build", cwd=root).code == 0
    every_file = _headers((root / "public/_headers").read_text())["/*"]
    outside: list[str] = []

    def intercept(route, request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            route.continue_()
            return
        outside.append(request.url)   # only what the policy let through gets here
        route.fulfill(status=200, content_type="text/javascript",
                      body="window.__giscus = true;")

    with static_server(root / "public", every_file) as base, chromium() as browser:
        page = browser.new_page()
        page.add_init_script(_WATCH_VIOLATIONS)
        page.route("**/*", intercept)
        page.goto(base + "tags/")
        # The tag cloud's weights are style attributes, which the policy allows.
        weights = page.eval_on_selector_all(
            ".tag-cloud__item",
            "items => items.map(i => getComputedStyle(i).getPropertyValue('--weight').trim())")
        assert weights and all(weights)
        page.goto(base + "posts/first-post/")
        page.click("[data-comments-load]")   # the site's own js/comments.js runs
        # Asked from outside the page: wait_for_function's polling compiles its predicate
        # in the page, which this very policy forbids ('unsafe-eval').
        deadline = time.monotonic() + 10
        while not page.evaluate("window.__giscus === true"):
            assert time.monotonic() < deadline, "giscus' script never ran"
            time.sleep(0.05)
        assert outside == ["https://giscus.app/client.js"]
        assert page.evaluate("window.__violations || []") == []
        # The policy is really in force: an inline script is refused.
        ran = page.evaluate("""() => { const s = document.createElement("script");
            s.textContent = "window.__inline = true"; document.head.appendChild(s);
            return window.__inline === true; }""")
        assert ran is False
        assert page.evaluate("window.__violations")[0].startswith("script-src")


def test_no_host_files_without_a_netlify_or_cloudflare_target(hub, tmp_path):
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www}\n")
    assert run_hubgen("build", cwd=root).code == 0
    assert not (root / "public/_headers").exists()
    assert not (root / "public/_redirects").exists()


def test_a_sites_own_headers_file_wins(hub):
    root = hub("minimal")
    (root / "static/_headers").write_text("/*\n  X-Custom: mine\n")
    with_publish(root, "  netlify: {type: netlify}\n")
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    assert (root / "public/_headers").read_text() == "/*\n  X-Custom: mine\n"
    assert (root / "public/_redirects").exists()


def test_publishing_to_netlify_prints_the_deploy_command(hub):
    root = hub("minimal")
    with_publish(root, "  netlify: {type: netlify, site: my-hub}\n")
    run = publish(root)
    assert run.code == 0, run.err
    assert summary(run).startswith("Built for netlify (netlify): ")
    assert summary(run).endswith("; not uploaded yet")
    assert "netlify deploy --dir=public --prod --site=my-hub" in run.out
    assert (root / "public/_headers").exists()


def test_a_dry_run_for_a_host_compares_with_the_output_folder_and_names_it(hub):
    root = hub("minimal")
    with_publish(root, "  cf: {type: cloudflare}\n")
    assert publish(root).code == 0
    before = all_files(root / "public")
    same = publish(root, "--dry-run")
    assert same.code == 0, same.err
    assert summary(same) == "Dry run for cf (cloudflare): 0 added, 0 updated, 0 removed " \
                            "(nothing was changed)"
    assert "deploy it with: wrangler pages deploy public" in same.out
    assert "hubgen-dry-run" not in same.out

    (root / SECOND_POST).unlink()
    (root / "content/posts/new.md").write_text("---\ntitle: New\ndate: 2026-03-07\n---\nHi.\n")
    changed = publish(root, "--dry-run")
    assert changed.code == 0, changed.err
    assert "  added posts/new/index.html" in changed.out
    assert "  updated index.html" in changed.out
    assert "  removed posts/second/index.html" in changed.out
    assert all_files(root / "public") == before


# ------------------------------------------------------------------------- config and build


CONFIG_ERRORS = {
    "unknown type": ("  pages: {type: gti, repository: ../site.git}\n", """\
hubgen.yaml:{line1}:17: error: unknown publish type 'gti' in publish.pages
      pages: {type: gti, repository: ../site.git}
                    ^
  hint: did you mean 'git'? choose one of git, rsync, netlify, cloudflare.
"""),
    "rsync without destination": ("  server:\n    type: rsync\n    options: [-z]\n", """\
hubgen.yaml:{line1}:3: error: publish.server is missing destination
      server:
      ^
  hint: an rsync target needs destination, e.g. server: {type: rsync, destination: "deploy@host.example.com:/srv/hub/"}
"""),
    "misspelled key": ("  pages:\n    type: git\n    branh: main\n", """\
hubgen.yaml:{line3}:5: error: publish.pages has no setting 'branh'
        branh: main
        ^
  hint: did you mean 'branch'? a git target takes: type, repository, branch, domain, message.
"""),
    "a deleting option": ('  server: {type: rsync, destination: /srv/hub, options: [-z, --delete]}\n',
                          """\
hubgen.yaml:{line1}:62: error: publish.server.options has '--delete': hubgen deletes only the files it wrote itself
      server: {type: rsync, destination: /srv/hub, options: [-z, --delete]}
                                                                 ^
  hint: remove it; stale hubgen files are deleted without it, and the destination's other files are kept.
"""),
    "unknown default": ("  default: page\n  pages: {type: git}\n", """\
hubgen.yaml:{line1}:12: error: publish.default names no target: 'page'
      default: page
               ^
  hint: did you mean 'pages'? the targets are: pages.
"""),
}


@pytest.mark.parametrize("case", list(CONFIG_ERRORS))
def test_publish_config_errors_point_at_the_spot(hub, case):
    section, expected = CONFIG_ERRORS[case]
    root = hub("minimal")
    line = with_publish(root, section)
    expected = expected.replace("{line1}", str(line + 1)).replace("{line3}", str(line + 3))
    # Checked by the API (as `hubgen publish` does before building)…
    config, _ = load_config(root / "hubgen.yaml")
    diagnostics = Diagnostics()
    read_targets(config, diagnostics)
    first = expected.splitlines()[0]
    assert [f"{d.location(root)}: error: {d.message}" for d in diagnostics] == [first]
    # …and by the command, which prints it and builds nothing.
    run = publish(root)
    assert run.code == 1
    assert expected in run.err
    assert not (root / "public").exists()


def test_a_git_domain_that_is_the_sub_path_hub_s_own_host_is_refused_before_building(
        hub, tmp_path):
    # GitHub Pages serves a custom domain's site from its root: every page's /hub/ link,
    # stylesheet and feed led to a 404.
    root = hub("subpath")
    site = bare_repository(tmp_path / "site.git")
    line = with_publish(root, f"  pages: {{type: git, repository: {site}, domain: X.example}}\n")
    run = publish(root)
    assert run.code == 1
    assert f"hubgen.yaml:{line + 1}:" in run.err
    assert "error: publish.pages.domain x.example serves the site from its root, " \
           "https://x.example/, but url: puts it at https://x.example/hub/: every link " \
           "and stylesheet would lead under /hub/, where that domain has nothing" in run.err
    assert "hint: set url: https://x.example/ for this domain, or leave domain: out " \
           "when another site serves this one under /hub/." in run.err
    assert not (root / "public").exists()
    # Another host's path in front of the pages' own domain (a proxy): its links are right.
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("domain: X.example", "domain: hub.x.example"))
    assert publish(root, "--dry-run").code == 0


def _broken(root: Path) -> None:
    (root / "content/posts/broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n")


def test_a_build_with_errors_publishes_nothing(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    root = make_git_hub(hub, "  pages: {type: git, repository: ../site.git}\n"
                             "  mirror: {type: rsync, destination: ../www}\n  default: pages\n")
    _broken(root)
    run = publish(root)
    assert run.code == 1
    assert "content/posts/broken.md:2:8: error: YAML syntax error" in run.err
    assert git(f"--git-dir={remote}", "branch", "--list", cwd=tmp_path) == ""
    mirror = publish(root, "mirror")
    assert mirror.code == 1
    assert not (tmp_path / "www").exists()


def test_choosing_a_target(hub):
    root = hub("minimal")
    with_publish(root, "  pages: {type: git}\n  server: {type: rsync, destination: /srv/hub}\n")
    config, _ = load_config(root / "hubgen.yaml")
    targets = read_targets(config, Diagnostics())
    assert choose_target(targets, "server", config).kind == "rsync"
    with pytest.raises(UsageError, match=re.escape("unknown publish target 'sever'; did you "
                                                   "mean 'server'? hubgen.yaml has: pages, "
                                                   "server")):
        choose_target(targets, "sever", config)
    with pytest.raises(UsageError, match=re.escape("several publish targets (pages, server) "
                                                   "and no default")):
        choose_target(targets, None, config)
    assert choose_target({"pages": targets["pages"]}, None, config).name == "pages"
    with pytest.raises(UsageError, match="no publish targets"):
        choose_target({}, None, config)

    config.publish["default"] = "server"   # as if hubgen.yaml said default: server
    assert choose_target(targets, None, config).name == "server"


def test_an_unknown_target_on_the_command_line(hub):
    root = hub("minimal")
    with_publish(root, "  pages: {type: git, repository: ../site.git}\n")
    run = publish(root, "pagse")
    assert run.code == 2
    assert "unknown publish target 'pagse'; did you mean 'pages'?" in run.err
    assert not (root / "public").exists()

    # Named as the user named their config file.
    (root / "hubgen.yaml").rename(root / "site.yaml")
    with (root / "site.yaml").open("a") as config:   # publish: is its last section
        config.write("  mirror: {type: rsync, destination: ../www}\n")
    several = publish(root, "--config", "site.yaml")
    assert several.code == 2
    assert "site.yaml has several publish targets (pages, mirror) and no default" in several.err


def test_git_refuses_to_publish_over_the_hubs_own_sources(hub, tmp_path):
    remote = bare_repository(tmp_path / "origin.git")
    root = make_git_hub(hub, "  pages: {type: git, repository: origin, branch: main}\n")
    git("remote", "add", "origin", str(remote), cwd=root)
    git("push", "--quiet", "origin", "main", cwd=root)
    before = branch_log(remote, "main")
    result = publish(root)
    assert result.code == 1
    assert "holds a hub's sources (its hubgen.yaml); publishing there would replace them" in result.err
    assert branch_log(remote, "main") == before


def test_git_refuses_the_branch_of_a_repository_whose_subfolder_is_the_hub(hub, tmp_path):
    # A monorepo: the hub lives in docs/hub/, and its branch main is the whole project.
    remote = bare_repository(tmp_path / "origin.git")
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app/main.py").write_text("print('the product')\n")
    shutil.copytree(hub("minimal"), project / "docs/hub")
    with_publish(project / "docs/hub", "  pages: {type: git, repository: origin, branch: main}\n")
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", ".", cwd=project)
    git("commit", "--quiet", "-m", "The project", cwd=project)
    git("remote", "add", "origin", str(remote), cwd=project)
    git("push", "--quiet", "origin", "main", cwd=project)
    before = branch_log(remote, "main")
    result = publish(project / "docs/hub")
    assert result.code == 1
    assert "holds a hub's sources (its docs/hub/hubgen.yaml); publishing there would " \
           "replace them" in result.err
    assert branch_log(remote, "main") == before


def test_git_refuses_a_branch_holding_another_hub_in_a_subfolder(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    other = tmp_path / "other"
    shutil.copytree(hub("conversations"), other / "site")
    git("init", "--quiet", "--initial-branch=gh-pages", cwd=other)
    git("add", ".", cwd=other)
    git("commit", "--quiet", "-m", "Another hub", cwd=other)
    git("push", "--quiet", str(remote), "gh-pages", cwd=other)
    root = hub("minimal")   # not a git checkout
    with_publish(root, f"  pages: {{type: git, repository: '{remote}'}}\n")
    result = publish(root)
    assert result.code == 1
    assert "holds a hub's sources (hubgen.yaml)" in result.err
    assert len(branch_log(remote)) == 1


def test_git_reaches_the_remote_with_the_hubs_own_access_settings(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    root = make_git_hub(hub, "  pages: {type: git, repository: \"https://example.invalid/site.git\"}\n")
    # A URL rewrite kept in the hub's repository (as actions/checkout keeps its token
    # header there) must apply to the publish too.
    git("config", f"url.{remote}.insteadOf", "https://example.invalid/site.git", cwd=root)
    result = publish(root)
    assert result.code == 0, result.err
    assert "index.html" in tree_files(remote)


def test_a_site_that_publishes_a_sample_hubgen_yaml_publishes_again(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    root = hub("minimal")
    (root / "static/examples").mkdir(parents=True)
    (root / "static/examples/hubgen.yaml").write_text("title: A sample hub\n")
    with_publish(root, f"  pages: {{type: git, repository: '{remote}'}}\n")
    assert publish(root).code == 0
    (root / SECOND_POST).unlink()
    again = publish(root)
    assert again.code == 0, again.err
    assert "examples/hubgen.yaml" in tree_files(remote)
