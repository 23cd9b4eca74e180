"""`hubgen publish` ships exactly what the build wrote and deletes nothing of anyone else's:
rsync options that delete or remove are refused, a folder of the user's where the site has
a file stops the publish, stray files of the output folder stay home, and Ctrl-C ends a
publish as it ends a build."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import all_files, clean_env, run_hubgen
from test_publish import (
    GIT_ENV,
    bare_repository,
    git,
    publish,
    summary,
    tree_files,
    with_publish,
)

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")


# ------------------------------------------------------------------------- rsync options


@needs_rsync
@pytest.mark.parametrize("option", ["--force", "--remove-sent-files", "--force-delete",
                                    "--delete-missing-args", "--read-batch=old",
                                    "--rsync-path=rsync --delete", "-M--delete",
                                    "--files-from=list.txt", "-n",
                                    # These skip a page the build changed: -u when the
                                    # destination's copy is newer, --size-only when both
                                    # are as long.
                                    "-u", "-zu", "--update", "--size-only"])
def test_an_rsync_option_that_deletes_or_redirects_is_refused_before_anything_runs(
        hub, tmp_path, option):
    destination = tmp_path / "www"
    (destination / "robots.txt/sub").mkdir(parents=True)
    (destination / "robots.txt/sub/mine.txt").write_text("the user's own\n")
    root = hub("minimal")
    line = with_publish(root, f"  mirror: {{type: rsync, destination: ../www, "
                              f"options: ['-z', '{option}']}}\n")
    run = publish(root)
    assert run.code == 1
    assert f"hubgen.yaml:{line + 1}:" in run.err and f"has '{option}'" in run.err
    assert not (root / "public").exists(), "nothing is built"
    assert all_files(destination) == {"robots.txt/sub/mine.txt": b"the user's own\n"}


@needs_rsync
def test_everyday_rsync_options_still_pass(hub, tmp_path):
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www, options: "
                       "['-zv', '--chmod=F644', '--no-perms', '--bwlimit=10000', '-essh', "
                       "'--no-o', '--no-g', '-b', '--suffix=.old']}\n")
    run = publish(root)
    assert run.code == 0, run.err
    assert (tmp_path / "www/index.html").is_file()


@needs_rsync
@pytest.mark.parametrize("mine", ["robots.txt/sub/mine.txt", "robots.txt/"])
def test_a_folder_of_the_user_s_where_the_site_has_a_file_stops_the_publish(
        hub, tmp_path, mine):
    destination = tmp_path / "www"
    if mine.endswith("/"):
        (destination / mine).mkdir(parents=True)      # rsync would delete it unasked
    else:
        (destination / mine).parent.mkdir(parents=True)
        (destination / mine).write_text("the user's own\n")
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www}\n")
    for args in (("--dry-run",), ()):
        run = publish(root, *args)
        assert run.code == 1, run.out
        assert "the site would replace: robots.txt. Nothing was copied" in run.err
    assert (destination / mine).exists()
    assert not (destination / "index.html").exists()


# ------------------------------------------------------------- what the build wrote, only


@needs_rsync
def test_rsync_ships_only_what_the_build_wrote(hub, tmp_path):
    destination = tmp_path / "www"
    destination.mkdir()
    (destination / "userfile.txt").write_text("the host's own, never published\n")
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www}\n")
    assert run_hubgen("build", cwd=root).code == 0
    (root / "public/userfile.txt").write_text("a stray of the output folder\n")
    (root / "public/.DS_Store").write_bytes(b"\0\0\0\1Bud1")

    dry = publish(root, "--dry-run")
    real = publish(root)
    assert dry.code == 0 and real.code == 0, dry.err + real.err
    note = "Left out 2 files the build did not write: .DS_Store, userfile.txt"
    assert note in dry.out and note in real.out
    # The dry run said what the publish then did.
    listed = [line for line in dry.out.splitlines() if line.startswith("  added ")]
    assert listed == [line for line in real.out.splitlines() if line.startswith("  added ")]
    assert summary(dry).split(": ")[1].split(" (")[0] == summary(real).split(": ")[1]
    assert (destination / "userfile.txt").read_text() == "the host's own, never published\n"
    assert not (destination / ".DS_Store").exists()
    manifest = json.loads((destination / ".hubgen-manifest.json").read_text())["files"]
    assert "userfile.txt" not in manifest and ".DS_Store" not in manifest
    output = {k: v for k, v in all_files(root / "public").items()
              if k not in ("userfile.txt", ".DS_Store")}
    assert {k: v for k, v in all_files(destination).items() if k != "userfile.txt"} == output


def test_git_commits_only_what_the_build_wrote(hub, tmp_path):
    remote = bare_repository(tmp_path / "site.git")
    root = hub("minimal")
    with_publish(root, "  pages: {type: git, repository: ../site.git}\n")
    assert run_hubgen("build", cwd=root).code == 0
    (root / "public/notes").mkdir()
    (root / "public/notes/draft-ideas.txt").write_text("not for the world\n")

    dry = publish(root, "--dry-run")
    real = publish(root)
    assert dry.code == 0 and real.code == 0, dry.err + real.err
    note = "Left out 1 file the build did not write: notes/draft-ideas.txt"
    assert note in dry.out and note in real.out
    assert summary(dry).split(": ")[1].split(" (")[0] == summary(real).split(": ")[1]
    published = tree_files(remote)
    assert "notes/draft-ideas.txt" not in published and "index.html" in published
    assert "notes/draft-ideas.txt" not in json.loads(published[".hubgen-manifest.json"])["files"]


def test_a_file_an_earlier_hubgen_published_from_the_folder_stays_until_taken_out(hub,
                                                                                 tmp_path):
    # hubgen once committed every file of the output folder, and listed it in its manifest:
    # a file put there by hand (a host's verification file) stays on the branch while it
    # is still in the folder, and goes when it is taken out, as a page of the site would.
    remote = bare_repository(tmp_path / "site.git")
    root = hub("minimal")
    with_publish(root, "  pages: {type: git, repository: ../site.git}\n")
    assert publish(root).code == 0
    clone = tmp_path / "clone"
    git("clone", "--quiet", "--branch", "gh-pages", str(remote), str(clone), cwd=tmp_path)
    (clone / "google123.html").write_text("google-site-verification: google123.html\n")
    manifest = json.loads((clone / ".hubgen-manifest.json").read_text())
    manifest["files"] = sorted([*manifest["files"], "google123.html"])
    (clone / ".hubgen-manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    git("add", "-A", cwd=clone)
    git("commit", "--quiet", "-m", "as an earlier hubgen published it", cwd=clone)
    git("push", "--quiet", "origin", "gh-pages", cwd=clone)
    (root / "public/google123.html").write_text("google-site-verification: google123.html\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\nOne more line.\n")

    again = publish(root)
    assert again.code == 0, again.err
    assert "Left out 1 file the build did not write: google123.html" in again.out
    assert "google123.html" not in summary(again)
    published = tree_files(remote)
    assert published["google123.html"] == "google-site-verification: google123.html"
    assert "google123.html" in json.loads(published[".hubgen-manifest.json"])["files"]

    (root / "public/google123.html").unlink()
    taken_down = publish(root)
    assert taken_down.code == 0, taken_down.err
    assert "google123.html" not in tree_files(remote)


# ------------------------------------------------------------------------------- Ctrl-C


@needs_rsync
def test_ctrl_c_during_a_publish_exits_130_and_says_what_it_left(hub, tmp_path):
    root = hub("minimal")
    # A big file sent at 20 kB/s: Ctrl-C lands while rsync copies, for real.
    (root / "static/big.bin").write_bytes(os.urandom(4_000_000))
    with_publish(root, "  mirror: {type: rsync, destination: ../www, "
                       "options: ['--bwlimit=20']}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "hubgen", "publish"], cwd=root, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        env={**clean_env(), **GIT_ENV})
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Copying "):
            break
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGINT)   # as a terminal's Ctrl-C reaches the whole group
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Aborted!" not in err and "Traceback" not in err
    assert "Interrupted: the publish was stopped part way; the target may hold some of the " \
           "new files. Run hubgen publish again to finish it." in err
    assert not (tmp_path / "www/big.bin").exists()
    # The next publish finishes it.
    (root / "hubgen.yaml").write_text((root / "hubgen.yaml").read_text().replace(
        "options: ['--bwlimit=20']", "options: []"))
    again = publish(root)
    assert again.code == 0, again.err
    assert (tmp_path / "www/big.bin").read_bytes() == (root / "static/big.bin").read_bytes()


# ------------------------------------------------------- a folder of the site's, now a file


def _ssh_here(tmp_path) -> list[str]:
    """rsync options whose ssh runs rsync's server on this machine: the remote code paths."""
    ssh = tmp_path / "ssh"
    ssh.write_text('#!/bin/sh\nshift\nexec "$@"\n')
    ssh.chmod(0o755)
    return [f"--rsh={ssh}"]


@needs_rsync
@pytest.mark.parametrize("over_ssh", [False, True], ids=["folder", "ssh"])
def test_a_folder_the_site_had_becomes_a_file_and_back(hub, tmp_path, over_ssh):
    destination = tmp_path / "www"
    destination.mkdir()
    root = hub("minimal")
    where = f"host.example:{destination}" if over_ssh else "../www"
    options = _ssh_here(tmp_path) if over_ssh else []
    with_publish(root, f"  mirror: {{type: rsync, destination: '{where}', "
                       f"options: {json.dumps(options)}}}\n")
    kit = root / "static/press"
    (kit / "logos").mkdir(parents=True)
    (kit / "logos/mark.svg").write_text("<svg/>\n")
    (kit / "about.txt").write_text("Acme press kit\n")
    first = publish(root)
    assert first.code == 0, first.err
    assert (destination / "press/logos/mark.svg").is_file()

    # The kit becomes one file of the same name: the folder hubgen published makes way.
    shutil.rmtree(kit)
    kit.write_text("the press kit moved to press.acme.example\n")
    for args in (("--dry-run",), ()):
        run = publish(root, *args)
        assert run.code == 0, run.err
        assert "removed press/logos/mark.svg" in run.out
        assert "removed press/about.txt" in run.out
    assert (destination / "press").read_text().startswith("the press kit moved")
    assert all_files(destination) == all_files(root / "public")

    # And back: the file hubgen published makes way for a folder again.
    kit.unlink()
    kit.mkdir()
    (kit / "about.txt").write_text("Acme press kit, again\n")
    back = publish(root)
    assert back.code == 0, back.err
    assert (destination / "press/about.txt").read_text() == "Acme press kit, again\n"
    assert all_files(destination) == all_files(root / "public")


@needs_rsync
@pytest.mark.parametrize("theirs", ["notes.txt", "empty/"])
def test_a_folder_the_site_had_that_now_holds_a_host_file_still_stops_the_publish(
        hub, tmp_path, theirs):
    destination = tmp_path / "www"
    root = hub("minimal")
    with_publish(root, "  mirror: {type: rsync, destination: ../www}\n")
    kit = root / "static/press"
    kit.mkdir()
    (kit / "about.txt").write_text("Acme press kit\n")
    assert publish(root).code == 0
    # A file of the host's, or a folder no publish made (deleting the stale files would
    # not empty the kit's folder: rsync would fail halfway).
    if theirs.endswith("/"):
        (destination / "press" / theirs).mkdir()
    else:
        (destination / "press" / theirs).write_text("the host's own notes\n")
    shutil.rmtree(kit)
    kit.write_text("moved\n")
    for args in (("--dry-run",), ()):
        run = publish(root, *args)
        assert run.code == 1
        assert "the site would replace: press. Nothing was copied" in run.err
    assert (destination / "press" / theirs).exists()
    assert (destination / "press/about.txt").exists()
