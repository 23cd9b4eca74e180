"""Nothing is ever lost: hubgen deletes only what it wrote and refuses dangerous output folders."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys

import pytest
from conftest import all_files, clean_env, read_only, run_hubgen, said


@pytest.mark.parametrize("output", [".", "..", "content", "content/posts/out", "static/out",
                                    "templates/x", "themes/x"])
def test_refuses_an_output_folder_that_holds_or_sits_in_the_hub(hub, output):
    root = hub("minimal")
    before = all_files(root.parent)
    result = run_hubgen("build", "--output", output, cwd=root)
    assert result.code == 2
    assert "refusing to build into" in result.err and "nothing was written" in result.err
    assert all_files(root.parent) == before


def test_a_source_folder_linked_to_itself_is_no_traceback(hub):
    # templates -> templates: Path.resolve raised 'Symlink loop' in the output check.
    root = hub("minimal")
    (root / "templates").symlink_to("templates")
    result = run_hubgen("build", cwd=root)
    assert "Traceback" not in result.err
    assert result.code == 0, result.err


@pytest.mark.parametrize("name", ["static", "content"])
def test_refuses_the_folder_a_linked_source_folder_leads_to(hub, tmp_path, name):
    # A static/ (or content/) that is a link to a folder kept elsewhere, and --output
    # naming that folder: the site would be written among the hub's sources.
    root = hub("minimal")
    shared = tmp_path / "shared" / name
    shared.parent.mkdir()
    shutil.move(root / name, shared)
    (root / name).symlink_to(shared)
    (shared / "notes.txt").write_text("mine")
    before = all_files(shared)
    for output in (shared, shared / "site"):
        result = run_hubgen("build", "--output", str(output), cwd=root)
        assert result.code == 2, result.out
        assert "it lies inside the hub's sources; nothing was written" in result.err
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + f"cache_dir: {shared / 'cache'}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 2
    assert f"refusing to keep the build cache in {shared / 'cache'}: it lies inside " \
           f"{name}/" in result.err
    assert all_files(shared) == before


def test_an_output_folder_below_a_file_is_refused_without_a_traceback(hub):
    root = hub("minimal")
    (root / "notes.txt").write_text("mine")
    before = all_files(root)
    for output in ("notes.txt/site", "notes.txt/a/b"):
        result = run_hubgen("build", "--output", output, cwd=root)
        assert result.code == 2, result.err
        assert result.err == f"Error: refusing to build into {root / output}: " \
            f"{root / 'notes.txt'} is a file, not a folder; nothing was written. Choose " \
            "another folder with --output or 'output:' in hubgen.yaml.\n"
    assert all_files(root) == before


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_an_output_folder_that_cannot_be_made_is_a_usage_error(hub):
    root = hub("minimal")
    result = run_hubgen("build", "--output", "/proc/site", cwd=root)
    assert result.code == 2, result.err
    assert result.err.startswith("Error: cannot build into /proc/site: No such file or "
                                 "directory (/proc/.site.hubgen-lock); nothing was written.")


def test_a_tilde_in_the_config_s_output_is_the_home_folder_as_in_a_shell(hub, tmp_path):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "output: ~/site\n")
    home = tmp_path / "home"
    home.mkdir()
    result = run_hubgen("build", cwd=root, env={"HOME": str(home)})
    assert result.code == 0, result.err
    assert (home / "site/index.html").is_file()
    assert not (root / "~").exists()


@pytest.mark.parametrize("key", ["output", "cache_dir"])
def test_a_tilde_naming_no_home_folder_is_an_error_at_its_place(hub, key):
    # pathlib's RuntimeError "Could not determine home directory" was a traceback (also
    # for `~` alone where HOME is unset and the user has no entry in /etc/passwd).
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + f"{key}: ~no-such-user-of-hubgen/site\n")
    result = run_hubgen("build", cwd=root)
    assert "Traceback" not in result.err
    assert result.code == 1, result.err
    assert result.err.startswith(
        f"hubgen.yaml:10:{len(key) + 3}: error: {key} starts with '~no-such-user-of-hubgen', "
        "the home folder of a user this system does not know\n")
    assert "hint: write the folder's whole path (e.g. /srv/hub/public)" in result.err
    assert not (root / "public").exists()


def test_refuses_a_folder_holding_another_hub(hub, tmp_path):
    root = hub("minimal")
    other = tmp_path / "other-hub"
    (other / "content").mkdir(parents=True)
    (other / "content" / "keep.md").write_text("mine")
    result = run_hubgen("build", "--output", str(other), cwd=root)
    assert result.code == 2
    assert "it holds a hub's content/ or hubgen.yaml" in result.err
    assert (other / "content" / "keep.md").read_text() == "mine"
    assert sorted(p.name for p in other.iterdir()) == ["content"]


def test_foreign_files_and_dotfiles_survive_and_stale_files_are_removed(hub):
    root = hub("minimal")
    public = root / "public"
    (public / ".git").mkdir(parents=True)
    (public / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (public / "CNAME").write_text("hub.example.com\n")
    (public / "posts").mkdir()
    (public / "posts" / "notes.txt").write_text("my notes")
    assert run_hubgen("build", cwd=root).code == 0
    assert (public / "posts/the-third/index.html").is_file()
    (root / "content/posts/third.md").unlink()
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    assert not (public / "posts/the-third").exists()
    assert (public / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (public / "CNAME").read_text() == "hub.example.com\n"
    assert (public / "posts" / "notes.txt").read_text() == "my notes"


def test_a_file_of_yours_where_a_new_page_goes_is_never_written_over(hub):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    mine = root / "public/posts/my-own/index.html"
    mine.parent.mkdir(parents=True)
    mine.write_text("hand-made")
    (root / "content/posts/my-own.md").write_text(
        "---\ntitle: My own\ndate: 2026-03-09\n---\nBody.\n")
    before = all_files(root / "public")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "posts/my-own/index.html is a file of yours (no earlier build wrote it), where " \
           "the site writes other bytes" in result.err
    assert "Nothing was written" in result.err
    assert all_files(root / "public") == before
    mine.unlink()
    assert run_hubgen("build", cwd=root).code == 0
    assert "My own" in mine.read_text()


def test_files_moved_in_by_a_build_that_stopped_half_way_are_still_hubgen_s(hub, monkeypatch):
    from hubgen.build import output as output_module
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    names = sorted(output_module.read_manifest(public))
    stage = output_module.StagedOutput(public, [*names, "new/a.html", "new/b.html"])
    staged = [name for name in ("new/a.html", "new/b.html")
              if stage.put(name, b"page " + name.encode()) is not None]
    real_replace = os.replace

    def replace(source, destination):
        if str(destination).endswith("b.html"):   # the second file's move fails
            raise OSError("the disk is full")
        real_replace(source, destination)

    monkeypatch.setattr(output_module.os, "replace", replace)
    with pytest.raises(output_module.OutputNotWritten,
                       match=r"the disk is full.*1 of 2 changed files were moved in"):
        stage.commit(staged)
    stage.discard()   # as the build does whatever commit raised: the lock goes
    monkeypatch.setattr(output_module.os, "replace", real_replace)
    assert (public / "new/a.html").is_file()
    assert {"new/a.html", "new/b.html"} <= output_module.read_manifest(public)
    # The next build takes them for its own: it replaces or removes them, never refuses.
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert not (public / "new/a.html").exists()


def test_a_dotfile_hubgen_published_goes_with_its_source_and_comes_back_with_it(hub):
    root = hub("minimal")
    source = root / "static/.well-known/security.txt"
    source.parent.mkdir(parents=True)
    source.write_text("Contact: mailto:x@example.com\n")
    assert run_hubgen("build", cwd=root).code == 0
    published = root / "public/.well-known/security.txt"
    assert published.is_file()
    source.unlink()
    assert run_hubgen("build", cwd=root).code == 0   # a stale security.txt is not kept
    assert not published.exists() and not published.parent.exists()
    assert ".well-known/security.txt" not in (root / "public/.hubgen-manifest.json").read_text()
    source.write_text("Contact: mailto:y@example.com\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert published.read_text() == "Contact: mailto:y@example.com\n"


def test_a_file_of_yours_with_the_page_s_very_bytes_is_taken_in_silently(hub):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    page = root / "public/posts/the-third/index.html"
    copy = page.read_bytes()
    (root / "content/posts/third.md").rename(root / "third.md.away")
    assert run_hubgen("build", cwd=root).code == 0
    assert not page.exists()
    page.parent.mkdir(parents=True)
    page.write_bytes(copy)   # e.g. restored from a backup, or a lost manifest
    (root / "third.md.away").rename(root / "content/posts/third.md")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert page.read_bytes() == copy


def test_a_file_of_a_git_folder_is_never_deleted_even_if_the_manifest_lists_it(hub):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    public = root / "public"
    (public / ".git").mkdir()
    (public / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    manifest = public / ".hubgen-manifest.json"
    listed = json.loads(manifest.read_text())
    listed["files"].append(".git/HEAD")      # a manifest edited, or from another tool
    manifest.write_text(json.dumps(listed))
    assert run_hubgen("build", cwd=root).code == 0
    assert (public / ".git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"


def test_unchanged_files_are_not_rewritten(hub):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    about = root / "public/about/index.html"
    post = root / "public/posts/the-third/index.html"
    os.utime(about, (1_000_000_000, 1_000_000_000))
    os.utime(post, (1_000_000_000, 1_000_000_000))
    third = root / "content/posts/third.md"
    third.write_text(third.read_text().replace("The third post,", "The edited third post,"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0
    assert about.stat().st_mtime == 1_000_000_000, "untouched page kept its mtime"
    assert post.stat().st_mtime != 1_000_000_000, "edited page was rewritten"
    assert "The edited third post" in post.read_text()


@pytest.mark.parametrize("cache", [True, False])
def test_the_staging_folder_is_gone_after_a_build(hub, cache):
    root = hub("minimal")
    assert run_hubgen("build", *([] if cache else ["--no-cache"]), cwd=root).code == 0
    left = sorted(p.name for p in root.iterdir() if p.name.startswith("."))
    assert left == ([".hubgen-cache"] if cache else [])


def test_a_tampered_manifest_never_deletes_outside_the_output(hub, tmp_path):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    manifest = root / "public/.hubgen-manifest.json"
    data = json.loads(manifest.read_text())
    data["files"] += [str(victim), "../victim.txt", "posts/../../victim.txt", ""]
    manifest.write_text(json.dumps(data))
    (root / "victim.txt").write_text("keep me too")
    assert run_hubgen("build", cwd=root).code == 0
    assert victim.read_text() == "keep me"
    assert (root / "victim.txt").read_text() == "keep me too"


LEAVING = "holds '.' or '..' as a folder name, which would lead out of its folder " \
    "(hubgen writes only inside the output folder)"


# Each path leads out of the output folder, onto a file of the hub or beyond it, or onto
# another page of the site; the error points at it, and nothing anywhere is written.
@pytest.mark.parametrize(("file", "old", "new", "error"), [
    ("content/posts/third.md", "tags: [listening]\n",
     "tags: [listening]\naliases: [/old/, /../content/pages/about.md]\n",
     f"content/posts/third.md:7:18: error: 'aliases' '/../content/pages/about.md' {LEAVING}"),
    ("content/posts/third.md", "tags: [listening]\n",
     "tags: [listening]\naliases:\n  - /posts/../about/\n",
     f"content/posts/third.md:8:5: error: 'aliases' '/posts/../about/' {LEAVING}"),
    ("content/people.yaml", "kim: {", '"../../escaped": {name: Escaper}\nkim: {',
     "content/people.yaml:2:1: error: the key '../../escaped' cannot be part of the address "
     "of the person's page: a key may not hold '/', '\\', '?', '#' or a control character, nor "
     "be '.' or '..'"),
    ("hubgen.yaml", "paginate: 2\n", 'paginate: 2\npermalinks: {page: "/../../{slug}/"}\n',
     f"hubgen.yaml:9:20: error: permalinks.page {LEAVING}, got '/../../{{slug}}/'"),
])
@pytest.mark.parametrize("built_before", [True, False])
def test_a_path_leading_out_of_the_output_is_an_error_and_nothing_is_written(
        hub, tmp_path, file, old, new, error, built_before):
    root = hub("minimal")
    if built_before:
        assert run_hubgen("build", cwd=root).code == 0
    path = root / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    def files() -> dict[str, bytes]:   # (a failed build may still keep compiled templates)
        return {name: data for name, data in all_files(tmp_path).items()
                if not name.startswith("minimal/.hubgen-cache/")}

    before = files()
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [error]
    assert "Traceback" not in result.err
    assert files() == before
    assert (root / "public").exists() == built_before


def test_a_static_file_named_with_a_backslash_is_an_error_naming_it(hub):
    root = hub("minimal")
    (root / "static/odd\\name.css").write_text("body {}")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert said(result.err, "error") == [
        "static/odd\\name.css: error: static/odd\\name.css has '\\' in its name, which "
        "Windows and many hosts read as a folder separator"]
    assert "hint: rename it without '\\'." in result.err
    assert not (root / "public").exists()


def test_the_plan_s_last_guard_blames_a_route_leading_out_once_per_file(tmp_path):
    # Every path a user writes is refused where it is written; this guard is for the rest.
    from hubgen.errors import Diagnostics
    from hubgen.plan.planner import _report_collisions
    from hubgen.plan.routes import Route

    post = tmp_path / "content/posts/a.md"
    diagnostics = Diagnostics()
    _report_collisions([Route(path="/../x/", kind="html", source=post, position=(3, 5)),
                        Route(path="/../x/feed.xml", kind="feed", source=post),
                        Route(path="/posts/./y/", kind="html"),
                        Route(path="/fine/", kind="html", source=post)], tmp_path, diagnostics)
    assert [(d.path, d.line, d.column, d.message) for d in diagnostics.errors] == [
        (None, 0, 0, "the URL /posts/./y/ leads out of the output folder"),
        (post, 3, 5, "the URL /../x/ leads out of the output folder")]


def test_the_output_refuses_a_name_leading_out_of_it_or_one_not_planned(tmp_path):
    from hubgen.build.output import StagedOutput
    from hubgen.errors import UsageError

    output = tmp_path / "hub" / "public"
    output.mkdir(parents=True)
    for name in ("../hubgen.yaml", "posts/../../x.html", "/etc/x", "a//b.html", "a\\b.html"):
        with pytest.raises(UsageError, match="hubgen writes only inside the output folder"):
            StagedOutput(output, ["index.html", name])
    stage = StagedOutput(output, ["index.html"])
    with pytest.raises(UsageError, match="not one of the site's files"):
        stage.put("../hubgen.yaml", b"x")
    stage.discard()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["hub", "public"]


# A file of the site's static/ (about, tags/fresh) stands where, once it is gone, a page's
# folder must go: the about page, or a new tag's page and its two feeds.
@pytest.mark.parametrize(("blocking", "needed"), [
    ("about", ["index.html"]),
    ("tags/fresh", ["index.html", "feed.xml", "atom.xml"]),
])
def test_a_file_of_ours_where_a_folder_must_go_is_replaced(hub, blocking, needed):
    root = hub("minimal")
    about, post = root / "content/pages/about.md", root / "content/posts/third.md"
    kept = about.read_bytes()
    about.unlink()
    (root / "static" / blocking).parent.mkdir(parents=True, exist_ok=True)
    (root / "static" / blocking).write_text("a file the site copied")
    assert run_hubgen("build", cwd=root).code == 0
    assert (root / "public" / blocking).is_file()
    (root / "static" / blocking).unlink()
    about.write_bytes(kept)
    post.write_text(post.read_text().replace("tags: [listening]", "tags: [listening, fresh]"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    for name in needed:
        assert (root / "public" / blocking / name).is_file()
    # The list of what hubgen wrote no longer names the file that became a folder.
    listed = json.loads((root / "public/.hubgen-manifest.json").read_text())["files"]
    assert blocking not in listed
    assert all(f"{blocking}/{name}" in listed for name in needed)


def test_a_file_of_yours_where_a_folder_must_go_stops_the_build_cleanly(hub):
    root = hub("minimal")
    (root / "public").mkdir()
    (root / "public/about").write_text("my own notes")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "about is a file of yours, but the site needs a folder there" in result.err
    assert "Traceback" not in result.err
    assert (root / "public/about").read_text() == "my own notes"
    assert sorted(p.name for p in (root / "public").iterdir()) == ["about"]


@pytest.mark.parametrize("cache", [True, False])
def test_a_folder_of_yours_where_the_last_build_wrote_a_page_stops_the_next_cleanly(hub, cache):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    page = root / "public/about/index.html"
    page.unlink()
    page.mkdir()
    (page / "notes.txt").write_text("my own notes")
    before = all_files(root / "public")
    result = run_hubgen("build", *([] if cache else ["--no-cache"]), cwd=root)
    assert result.code == 1
    assert "about/index.html is a folder holding files of yours, but the site has a file " \
           "there" in result.err
    assert "Nothing was written" in result.err and "Traceback" not in result.err
    assert all_files(root / "public") == before


@pytest.mark.parametrize("cache", [True, False])
def test_a_file_that_takes_the_place_of_a_page_replaces_hubgen_s_own_folder(hub, cache):
    # The about page wrote about/index.html; the page gone, static/about is a file there.
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    (root / "public/images/notes.txt").write_text("mine")
    (root / "content/pages/about.md").unlink()
    (root / "static/about").write_text("a file the site copied")
    result = run_hubgen("build", *([] if cache else ["--no-cache"]), cwd=root)
    assert result.code == 0, result.err
    assert (root / "public/about").read_text() == "a file the site copied"
    assert (root / "public/images/notes.txt").read_text() == "mine"
    (root / "public/about").unlink()
    (root / "public/about").mkdir()
    (root / "public/about/mine.txt").write_text("a file of mine")
    refused = run_hubgen("build", *([] if cache else ["--no-cache"]), cwd=root)
    assert refused.code == 1
    assert "about is a folder holding files of yours" in refused.err
    assert (root / "public/about/mine.txt").read_text() == "a file of mine"


def test_a_file_of_yours_where_the_last_build_made_a_folder_stops_the_next_cleanly(hub):
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    shutil.rmtree(root / "public/about")
    (root / "public/about").write_text("my own notes")
    before = all_files(root / "public")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "about is a file of yours, but the site needs a folder there" in result.err
    assert all_files(root / "public") == before


def test_a_cache_folder_inside_the_output_is_refused(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "cache_dir: public/.cache\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 2
    assert "would hold the build cache" in result.err
    assert not (root / "public").exists()


@pytest.mark.parametrize("cache_dir", ["static/.cache", "static", "content/.cache",
                                       "templates/cache", "themes/cache", ".", ".."])
def test_a_cache_folder_among_the_sources_is_refused(hub, cache_dir):
    # static/ is published as it is: a cache there would ship every draft's text.
    root = hub("minimal")
    (root / "static").mkdir(exist_ok=True)
    (root / "content/posts/draft.md").write_text(
        "---\ntitle: Secret plans\ndate: 2026-03-09\ndraft: true\n---\nNot yet public.\n")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + f"cache_dir: {cache_dir}\n")
    before = all_files(root.parent)
    result = run_hubgen("build", cwd=root)
    assert result.code == 2
    assert "refusing to keep the build cache" in result.err
    assert "cache_dir" in result.err
    assert all_files(root.parent) == before


def test_a_cache_folder_of_yours_is_refused_and_its_files_kept(hub, tmp_path):
    # The cache removes old files of its own: in a folder of yours, it must find none.
    root = hub("minimal")
    shared = tmp_path / "shared"
    for name in ("templates/partials/card.html", "templates/0123456789abcdef.txt", "notes.md"):
        (shared / name).parent.mkdir(parents=True, exist_ok=True)
        (shared / name).write_text("mine")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "cache_dir: ../shared\n")
    before = all_files(tmp_path)
    result = run_hubgen("build", cwd=root)
    assert result.code == 2
    assert f"refusing to keep the build cache in {shared}: it holds notes.md, which is not " \
           "hubgen's (a cache hubgen made has its CACHEDIR.TAG; a cache that lost it can be " \
           "deleted)" in result.err
    assert all_files(tmp_path) == before
    # A build that keeps no cache, and check, never touch it: nothing to refuse.
    assert run_hubgen("build", "--no-cache", cwd=root).code == 0
    assert run_hubgen("check", cwd=root).code == 0
    shutil.rmtree(root / "public")
    # Only names a cache of hubgen's has (an old one, untagged): kept as a cache, and of
    # templates/, only the folders of other hubgen versions are removed.
    (shared / "notes.md").unlink()
    (shared / "templates/fedcba9876543210").mkdir()
    (shared / "templates/fedcba9876543210/old.json").write_text("{}")
    assert run_hubgen("build", cwd=root).code == 0
    assert (shared / "templates/partials/card.html").read_text() == "mine"
    assert (shared / "templates/0123456789abcdef.txt").read_text() == "mine"
    assert not (shared / "templates/fedcba9876543210").exists()
    assert (shared / "CACHEDIR.TAG").is_file()


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_runs(hub):
    import fcntl
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    before = all_files(root / "public")
    (root / "content/posts/third.md").write_text(
        "---\ntitle: Changed meanwhile\ndate: 2026-03-08\n---\nNew.\n")
    # The first build holds the lock while it renders; the second must not touch its
    # staging folder or the output.
    with open(root / ".public.hubgen-lock", "w") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        result = run_hubgen("build", cwd=root)
    assert result.code == 2
    assert "another hubgen build is writing" in result.err
    assert all_files(root / "public") == before
    assert run_hubgen("build", cwd=root).code == 0
    assert "Changed meanwhile" in (root / "public/posts/third/index.html").read_text()
    assert not (root / ".public.hubgen-lock").exists()


def test_a_file_system_that_cannot_lock_builds_unlocked(tmp_path, monkeypatch):
    # Some NFS, FUSE and SMB mounts answer flock with ENOLCK or EOPNOTSUPP; this machine
    # has none, so flock is made to answer as they do. Only "would block" is a build.
    import errno

    from hubgen.build import output as output_module
    from hubgen.build.output import StagedOutput

    def cannot_lock(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(output_module.fcntl, "flock", cannot_lock)
    output = tmp_path / "public"
    stage = StagedOutput(output, ["index.html"])
    stage.commit([name for name in ("index.html",) if stage.put(name, b"one")])
    stage.discard()
    assert (output / "index.html").read_bytes() == b"one"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["public"]


def test_the_output_stays_locked_until_the_stale_files_are_gone_and_the_list_written(
        tmp_path):
    from hubgen.build.output import StagedOutput
    from hubgen.errors import UsageError

    output = tmp_path / "public"
    output.mkdir()
    first = StagedOutput(output, ["index.html", "old/index.html"])
    first.commit([name for name in ("index.html", "old/index.html")
                  if first.put(name, b"one")])
    first.discard()
    stage = StagedOutput(output, ["index.html"])
    stage.commit([name for name in ("index.html",) if stage.put(name, b"two")])
    assert not (output / "old").exists()
    # Between the commit and the end of the build (the cache is written then) no other
    # build may start moving its files in.
    with pytest.raises(UsageError, match="another hubgen build is writing"):
        StagedOutput(output, ["index.html"])
    stage.discard()
    StagedOutput(output, ["index.html"]).discard()
    assert json.loads((output / ".hubgen-manifest.json").read_text())["files"] == ["index.html"]


def test_ctrl_c_while_files_move_in_finishes_the_move_first(tmp_path, monkeypatch):
    import signal

    from hubgen.build.output import StagedOutput

    output = tmp_path / "public"
    output.mkdir()   # files move in one by one (a first build moves the whole folder)
    names = [f"page-{n}/index.html" for n in range(20)]
    stage = StagedOutput(output, names)
    staged = [name for name in names if stage.put(name, name.encode())]
    moves = []
    real_replace = os.replace

    def replace_then_interrupt(source, destination):
        moves.append(destination)
        if len(moves) == 3:   # a Ctrl-C in the middle of the moves
            os.kill(os.getpid(), signal.SIGINT)
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace_then_interrupt)
    report = stage.commit(staged)
    stage.discard()
    monkeypatch.undo()
    assert len([m for m in moves if "page-" in str(m)]) == 20   # and the manifest
    assert report.interrupted
    assert {name: (output / name).read_text() for name in names} == {n: n for n in names}
    assert (output / ".hubgen-manifest.json").is_file()


@pytest.mark.parametrize("where", ["public", "public/posts/the-third"])
def test_an_output_folder_this_user_may_not_change_is_refused_with_nothing_written(hub, where):
    # public/ made by a container as root, then a build as yourself: a PermissionError
    # traceback half way through moving the new files in.
    root = hub("minimal")
    assert run_hubgen("build", cwd=root).code == 0
    with read_only(root / where):   # a build with nothing to change changes nothing
        result = run_hubgen("build", cwd=root)
        assert result.code == 0, result.err
        assert "0 written" in result.out
    third = root / "content/posts/third.md"
    third.write_text(third.read_text().replace("title: ", "title: Edited "))
    (root / "content/posts/2026-03-05-second.md").unlink()
    before = all_files(root / "public")
    with read_only(root / where):
        result = run_hubgen("build", cwd=root)
    assert "Traceback" not in result.err
    assert result.code == 2, result.err
    assert result.err.startswith(f"Error: cannot write into {root / 'public'}: {root / where} "
                                 "is a folder this user may not change (another user's, or "
                                 "mounted read-only); nothing was written.")
    assert all_files(root / "public") == before
    assert not (root / ".public.hubgen-staging").exists()
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert "Edited" in (root / "public/posts/the-third/index.html").read_text()


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_an_output_folder_that_is_a_mount_point_is_built_into(hub):
    # A container's volume mounted at public/: the staging folder beside it is on another
    # file system, where a rename cannot go ("Invalid cross-device link").
    root = hub("minimal")
    public = root / "public"
    public.mkdir()
    third = root / "content/posts/third.md"
    script = (f"mount -t tmpfs hubgen-test {shlex.quote(str(public))} || exit 77\n"
              f"{shlex.quote(sys.executable)} -m hubgen build || exit 1\n"
              f"sed -i 's/^title: /title: Edited /' {shlex.quote(str(third))}\n"
              f"{shlex.quote(sys.executable)} -m hubgen build -v || exit 1\n"
              f"cat {shlex.quote(str(public / 'posts/the-third/index.html'))}\n"
              f"ls -A {shlex.quote(str(public / 'posts/the-third'))}\n")
    completed = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", script],
                               cwd=root, capture_output=True, text=True, timeout=300,
                               env={**clean_env(), "COLUMNS": "200"})
    if completed.returncode == 77 or "unshare:" in completed.stderr:
        pytest.skip(f"cannot mount a folder here: {completed.stderr.strip()}")
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 0, completed.stderr
    assert "wrote posts/the-third/index.html" in completed.stdout
    assert "Edited" in completed.stdout
    assert completed.stdout.rstrip().endswith("\nindex.html")   # no temporary file left
