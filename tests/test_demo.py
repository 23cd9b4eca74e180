"""The demo hub at the repository root: what a person who clones the repo gets."""

from __future__ import annotations

import shutil

import feedparser
from conftest import REPO, parse_html, run_hubgen


def test_the_demo_hub_builds_with_no_warning(tmp_path):
    root = tmp_path / "demo"
    root.mkdir()
    for name in ("hubgen.yaml", "content", "static"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    assert result.err == ""
    public = root / "public"
    posts = [p for p in (public / "posts").iterdir() if (p / "index.html").is_file()]
    assert len(posts) >= 8
    feed = feedparser.parse((public / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) >= 8
    authors = {e.author for e in feed.entries}
    assert len(authors) >= 2
    tags = [p for p in (public / "tags").iterdir() if p.is_dir()]
    assert len(tags) >= 4
    about = parse_html(public / "about/index.html")
    assert about.xpath("//h1")
