"""`hubgen publish` ships exactly what the build wrote and deletes nothing of anyone else's:
rsync options that delete or remove are refused, a folder of the user's where the site has
a file stops the publish, stray files of the output folder stay home, and Ctrl-C ends a
publish as it ends a build."""

from __future__ import annotations

import shutil

import pytest
from conftest import all_files
from test_publish import publish, with_publish

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")


# ------------------------------------------------------------------------- rsync options


@needs_rsync
@pytest.mark.parametrize("option", ["--force", "--remove-sent-files", "--force-delete",
                                    "--delete-missing-args", "--read-batch=old",
                                    "--rsync-path=rsync --delete", "-M--delete",
                                    "--files-from=list.txt", "-n"])
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
                       "['-zv', '--chmod=F644', '--no-perms', '--bwlimit=10000', '-essh']}\n")
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
