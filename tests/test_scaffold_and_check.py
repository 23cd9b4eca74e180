"""`hubgen new` finds a taken URL as the build plans it, names only real people, writes a
date that reads back as the moment it meant, and shows the config's warnings; `hubgen
check --strict` reports everything plain `check` does, warnings as errors."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import parse_html, run_hubgen, said

DAY = {"SOURCE_DATE_EPOCH": "1795305600"}  # 2026-11-22


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


def test_a_new_post_names_a_brand_voice_or_no_author_so_that_it_builds(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    # A team named in lower case, as a key is written, is no people.yaml key.
    config.write_text(config.read_text().replace(
        "brand: {name: Minimal Co, people: [ana]}", "brand: {name: Minimal Co}").replace(
        "author: {name: Minimal Team,", "author: {name: team,"))
    made = run_hubgen("new", "post", "No voice yet", cwd=root, env=DAY)
    assert made.code == 0, made.err
    built = run_hubgen("build", "--drafts", cwd=root, env=DAY)
    assert built.code == 0 and built.err == "", built.err
    assert (root / "public/posts/no-voice-yet/index.html").is_file()
    assert "author:" not in (root / made.out.strip()).read_text()


def test_a_post_made_in_the_repeated_hour_of_a_clock_change_keeps_its_moment(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("timezone: Europe/Paris",
                                                 "timezone: America/New_York"))
    # 2026-11-01 06:30 UTC: 01:30 in New York, the second time the clock shows it (EST).
    moment = {"SOURCE_DATE_EPOCH": "1793514600"}
    made = run_hubgen("new", "post", "Fall back", cwd=root, env=moment)
    assert made.code == 0, made.err
    built = run_hubgen("build", "--drafts", cwd=root, env=moment)
    assert built.code == 0, built.err
    page = parse_html(root / "public/posts/fall-back/index.html")
    assert page.xpath("//time/@datetime")[0] == "2026-11-01T01:30:00-05:00"
    assert "date: 2026-11-01 01:30-05:00" in (root / made.out.strip()).read_text()


def test_new_shows_the_config_s_warnings_as_build_does(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "paginte: 5\n")
    built = run_hubgen("build", cwd=root)
    warnings = said(built.err, "warning")
    assert len(warnings) == 1 and "paginte" in warnings[0], built.err
    for kind in ("post", "page", "thread"):
        made = run_hubgen("new", kind, "Hello there", cwd=root, env=DAY)
        assert made.code == 0, made.err
        assert said(made.err, "warning") == warnings
        assert "did you mean 'paginate'?" in made.err


THREAD = 'date: 2025-01-01\nsource: {platform: forum, url: "https://forum.example/t/1"}\n' \
         "messages: []\n"


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_new_finds_every_url_the_build_would_give_another_item(hub):
    root = hub("minimal")
    _write(root, "content/posts/roadmap.markdown",
           "---\ntitle: Roadmap\ndate: 2025-01-01\n---\nThe plan.\n")
    _write(root, "content/posts/2025-05-05-shout.MD", "---\ntitle: Shout\n---\nHey.\n")
    _write(root, "content/posts/notes.md",
           "---\ntitle: Notes\ndate: 2025-01-02\nslug: commented # the old address\n---\nText.\n")
    _write(root, "content/posts/folded.md",
           "---\ntitle: Folded\ndate: 2025-01-03\nslug: >-\n  folded\n  slug\n---\nText.\n")
    _write(root, "content/threads/decaf.yml", "title: Decaf\n" + THREAD)
    for kind, title, holder in (("post", "Roadmap", "roadmap.markdown"),
                                ("post", "Shout", "2025-05-05-shout.MD"),
                                ("post", "Commented", "notes.md"),
                                ("post", "Folded slug", "folded.md"),
                                ("thread", "Decaf", "decaf.yml")):
        refused = run_hubgen("new", kind, title, cwd=root)
        assert refused.code == 1, (title, refused.out)
        assert f"{holder} already has the slug" in refused.err, refused.err
    # Every one of them is a page the build makes, at the URL new would have taken.
    built = run_hubgen("build", cwd=root)
    assert built.code == 0, built.err
    for made in ("posts/roadmap", "posts/shout", "posts/commented", "posts/folded-slug",
                 "threads/decaf"):
        assert (root / "public" / made / "index.html").is_file(), made
    # Read again where the build's cache is older than the file.
    notes = root / "content/posts/notes.md"
    notes.write_text(notes.read_text().replace("slug: commented", "slug: renamed"))
    assert run_hubgen("new", "post", "Renamed", cwd=root).code == 1
    assert run_hubgen("new", "post", "Commented", cwd=root, env=DAY).code == 0


def test_new_finds_a_url_taken_by_another_kind_or_a_list_of_the_site(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + 'permalinks: {post: "/{slug}/"}\n')
    _write(root, "content/posts/2026-01-01-welcome.md", "---\ntitle: Welcome\n---\nHi.\n")
    page = run_hubgen("new", "page", "Welcome", cwd=root)
    assert page.code == 1
    assert "content/posts/2026-01-01-welcome.md already has the slug 'welcome' (/welcome/)" \
        in page.err
    post = run_hubgen("new", "post", "Threads", cwd=root, env=DAY)
    assert post.code == 1 and "/threads/ is a page the site makes itself" in post.err
    assert not list((root / "content/posts").glob("*threads*"))
    assert not (root / "content/pages/welcome.md").exists()


def test_new_takes_a_slug_only_files_the_build_ignores_have(hub):
    root = hub("minimal")
    _write(root, "content/posts/_template.md", "---\ntitle: Template\n---\nCopy me.\n")
    _write(root, "content/posts/_drafts/idea.md",
           "---\ntitle: Idea\n---\nLater.\n")
    _write(root, "content/threads/archive/old-chat.yaml", "title: Old chat\n" + THREAD)
    for kind, title in (("post", "Template"), ("post", "Idea"), ("thread", "Old chat")):
        made = run_hubgen("new", kind, title, cwd=root, env=DAY)
        assert made.code == 0, (title, made.err)
    built = run_hubgen("build", "--drafts", cwd=root, env=DAY)
    assert built.code == 0 and said(built.err, "error") == [], built.err
    for made in ("posts/template", "posts/idea", "threads/old-chat"):
        assert (root / "public" / made / "index.html").is_file(), made


def test_check_json_tells_ci_why_no_check_could_run(tmp_path):
    result = run_hubgen("check", "--format", "json", cwd=tmp_path)
    assert result.code == 2
    report = json.loads(result.out)
    assert report["ok"] is False and report["errors"] == 1
    [finding] = report["findings"]
    assert finding["kind"] == "usage" and "no hubgen config found" in finding["message"]
    assert finding["path"] is None   # no file of the hub: not one named "hubgen"
    assert "Error: " in result.err


def test_a_link_to_top_is_no_missing_anchor(hub):
    root = hub("minimal")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\n[Back up](#top), [or](/about/#TOP), [gone](#nowhere)\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    [missing] = [line for line in said(result.out, "error") if "missing anchor" in line]
    assert "#nowhere" in missing


def test_check_reads_a_link_to_the_site_whatever_case_its_host_is_written_in(hub):
    root = hub("minimal")
    config = root / "hubgen.yaml"
    config.write_text(config.read_text().replace("url: https://minimal.example/",
                                                 "url: https://Minimal.Example/"))
    post = root / "content/posts/third.md"
    post.write_text(post.read_text() + "\n[Gone](https://Minimal.Example/posts/nope/) and "
                    "[gone too](https://MINIMAL.example/posts/nope-either/)\n")
    result = run_hubgen("check", cwd=root)
    assert result.code == 1
    broken = " ".join(said(result.out, "error"))
    assert "https://Minimal.Example/posts/nope/" in broken
    assert "https://MINIMAL.example/posts/nope-either/" in broken


def test_new_sees_the_name_of_a_post_the_build_cannot_read_yet(hub):
    root = hub("minimal")
    broken = root / "content/posts/fresh-idea.md"
    broken.write_text("---\ntitle: Fresh idea\ndate: 2026-02-30 10:00\n---\nSoon.\n")
    refused = run_hubgen("new", "post", "Fresh idea", cwd=root)
    assert refused.code == 1
    assert "content/posts/fresh-idea.md (whose front matter has mistakes: build shows them) " \
        "is named 'fresh-idea' too" in refused.err
    assert not list((root / "content/posts").glob("*-fresh-idea.md"))
    assert run_hubgen("new", "page", "Fresh idea", cwd=root).code == 0, "a page is elsewhere"
