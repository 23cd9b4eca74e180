"""Hugo and Pelican sites made from a benchmark corpus, for comparing build speed with hubgen.

Each peer turns the corpus's posts into a site of its own that does the work hubgen does
for them: one page per post, a home listing every post newest first ten to a page, a page
per tag (ten to a page, as hubgen's tag lists are) and one site feed of the 20 newest
posts. Threads and people are left out: neither tool has them. Everything else is the
tool's default, including code highlighting and the extra pages it makes on its own
(Hugo's sitemap and tag feeds; Pelican's author, category and archive pages).

    python -m benchmarks.peers --posts 1000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import yaml

from benchmarks.corpus import post_path

SITE_TITLE = "Benchmark Hub"
SITE_URL = "https://bench.example"
PER_PAGE = 10
FEED_ITEMS = 20


@dataclass(frozen=True)
class Post:
    """One corpus post, read from its front matter and body."""

    number: int
    title: str
    date: datetime
    tags: tuple[str, ...]
    author: str
    body: str

    @property
    def slug(self) -> str:
        """The file name without `.md`, which is also hubgen's slug."""
        return f"post-{self.number:05d}"


def read_posts(corpus: Path) -> list[Post]:
    """Every post of a corpus written by `benchmarks.corpus.write_corpus`."""
    posts = []
    for path in sorted((corpus / "content/posts").glob("post-*.md")):
        _, front, body = path.read_text().split("---\n", 2)
        meta = yaml.safe_load(front)
        date = meta["date"]
        if not isinstance(date, datetime):
            date = datetime.strptime(str(date), "%Y-%m-%d %H:%M")
        # No offset in the corpus means the site's timezone, which is UTC.
        date = date.replace(tzinfo=UTC) if date.tzinfo is None else date
        posts.append(Post(number=int(path.stem.split("-")[1]), title=str(meta["title"]),
                          date=date, tags=tuple(meta.get("tags") or ()),
                          author=str(meta["author"]), body=body))
    return posts


SET_ASIDE = "set-aside"


def set_aside(folder: Path) -> None:
    """Move a build's output or cache out of the way, so that the next build is cold.

    Not deleted: on a disk mounted with `discard` (this machine's), files created right
    after many were deleted cost several times more in the kernel (hubgen's 1,700 files at
    1,000 posts: 2.5 to 4.5 s of system time instead of 0.5 s), which would time the last run's
    clean-up rather than the tool. `empty_set_aside` deletes them once the runs are done.
    """
    if folder.exists():
        aside = folder.parent.parent / SET_ASIDE
        aside.mkdir(exist_ok=True)
        folder.rename(aside / f"{folder.parent.name}-{folder.name}-{time.time_ns()}")


def empty_set_aside(work: Path) -> None:
    """Delete what `set_aside` moved out of the sites under `work`."""
    for aside in work.rglob(SET_ASIDE):
        shutil.rmtree(aside, ignore_errors=True)


def count_files(folder: Path) -> int:
    """How many files are under `folder`."""
    return sum(1 for path in folder.rglob("*") if path.is_file())


class Peer(Protocol):
    """A static site generator hubgen is compared with."""

    name: str

    def available(self) -> bool:
        """Whether the tool is installed."""
        ...

    def prepare(self, corpus: Path, site: Path) -> None:
        """Write the tool's own site for the corpus's posts into `site`."""
        ...

    def build_command(self, site: Path) -> list[str]:
        """The command for a full build of `site`."""
        ...

    def clean(self, site: Path) -> None:
        """Move the output and any cache out of the way (`set_aside`), so the next build is
        cold."""
        ...

    def template_file(self, site: Path) -> Path:
        """The post template, for a rebuild after one template is edited."""
        ...

    def post_file(self, site: Path, number: int) -> Path:
        """The source file of post `number`."""
        ...

    def output_files(self, site: Path) -> int:
        """How many files the last build wrote."""
        ...


HUGO_CONFIG = f"""baseURL: {SITE_URL}/
title: {SITE_TITLE}
languageCode: en
paginate: {PER_PAGE}
# Hugo's feeds are unlimited by default. 0.111 also takes the older top-level
# `rssLimit`; this is the spelling later versions keep.
services:
  rss:
    limit: {FEED_ITEMS}
taxonomies:
  tag: tags
# hubgen has no /posts/ list, so Hugo's section page for posts/ would be extra work.
disableKinds: [section]
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{ with .Site.Home.OutputFormats.Get "rss" -}}
<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">
{{- end }}
</head>
<body>
<header>
<a href="{{ "/" | relURL }}">{{ .Site.Title }}</a> · <a href="{{ "/tags/" | relURL }}">Tags</a>
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p>{{ partial "date.html" . }} by {{ .Params.author }}</p>
<ul>{{ range .GetTerms "tags" }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>
{{ end }}</ul>
{{ .Content }}
</article>
<nav>
{{ with .Next }}<a rel="prev" href="{{ .RelPermalink }}">Newer: {{ .Title }}</a>{{ end }}
{{ with .Prev }}<a rel="next" href="{{ .RelPermalink }}">Older: {{ .Title }}</a>{{ end }}
</nav>{{ end }}
""",
    "partials/item.html": """<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ partial "date.html" . }}</p>
<p>{{ .Summary }}</p>
</article>
""",
    "partials/date.html": """<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">
{{- .Date.Format "January 2, 2006" }}</time>
""",
    "index.html": """{{ define "main" }}
{{ range (.Paginate .Site.RegularPages 10).Pages }}{{ partial "item.html" . }}{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "_default/term.html": """{{ define "main" }}<h1>Tagged: {{ .Title }}</h1>
{{ range (.Paginate .Pages 10).Pages }}{{ partial "item.html" . }}{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>Tags</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
""",
}


class Hugo:
    """Hugo with its own minimal layouts and no theme."""

    name = "hugo"

    def available(self) -> bool:
        """Whether `hugo` is on the PATH."""
        return shutil.which("hugo") is not None

    def prepare(self, corpus: Path, site: Path) -> None:
        """Write config, layouts and one content file per post with Hugo front matter."""
        (site / "content/posts").mkdir(parents=True, exist_ok=True)
        (site / "config.yaml").write_text(HUGO_CONFIG)
        for name, text in HUGO_LAYOUTS.items():
            path = site / "layouts" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for post in read_posts(corpus):
            # JSON strings and lists are YAML too, and quote whatever a title holds.
            front = (f"title: {json.dumps(post.title)}\n"
                     f"date: {post.date.isoformat()}\n"
                     f"tags: {json.dumps(list(post.tags))}\n"
                     f"author: {json.dumps(post.author)}\n")
            self.post_file(site, post.number).write_text(f"---\n{front}---\n{post.body}")

    def build_command(self, site: Path) -> list[str]:
        """`hugo` building `site` into `site/public`."""
        return [shutil.which("hugo") or "hugo", "--quiet", "--ignoreCache",
                "--source", str(site), "--destination", str(site / "public")]

    def clean(self, site: Path) -> None:
        """Set public/ and resources/ (Hugo's generated-asset cache) aside; remove the build
        lock."""
        for folder in ("public", "resources"):
            set_aside(site / folder)
        (site / ".hugo_build.lock").unlink(missing_ok=True)

    def template_file(self, site: Path) -> Path:
        """The layout of every post page."""
        return site / "layouts/_default/single.html"

    def post_file(self, site: Path, number: int) -> Path:
        """content/posts/post-NNNNN.md, as in the corpus."""
        return post_path(site, number)

    def output_files(self, site: Path) -> int:
        """Files in public/."""
        return count_files(site / "public")


PELICAN_CONFIG = f"""AUTHOR = "Bench Team"
SITENAME = "{SITE_TITLE}"
SITEURL = "{SITE_URL}"
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = {PER_PAGE}
# One site feed, RSS like hubgen's main one; the per-category, author and
# translation feeds Pelican makes by default have no counterpart in hubgen.
FEED_MAX_ITEMS = {FEED_ITEMS}
FEED_ALL_ATOM = None
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
CACHE_PATH = "cache"
# A copy of the default theme, so a template edit never touches the installed package.
THEME = "theme"
"""


class Pelican:
    """Pelican with its default theme and Markdown settings."""

    name = "pelican"

    def available(self) -> bool:
        """Whether the `pelican` command is on the PATH and importable here."""
        return shutil.which("pelican") is not None and _pelican_theme() is not None

    def prepare(self, corpus: Path, site: Path) -> None:
        """Write pelicanconf.py, the default theme and one Markdown file per post."""
        (site / "content/posts").mkdir(parents=True, exist_ok=True)
        (site / "pelicanconf.py").write_text(PELICAN_CONFIG)
        theme = _pelican_theme()
        if theme is None:
            raise RuntimeError("pelican is not importable by " + sys.executable)
        shutil.copytree(theme, site / "theme", dirs_exist_ok=True)
        for post in read_posts(corpus):
            header = (f"Title: {post.title}\nDate: {post.date:%Y-%m-%d %H:%M}\n"
                      f"Tags: {', '.join(post.tags)}\nAuthor: {post.author}\n"
                      f"Slug: {post.slug}\n")
            self.post_file(site, post.number).write_text(f"{header}\n{post.body}")

    def build_command(self, site: Path) -> list[str]:
        """`python -m pelican` building `site/content` into `site/output`."""
        return [sys.executable, "-m", "pelican", str(site / "content"),
                "-o", str(site / "output"), "-s", str(site / "pelicanconf.py"),
                "-q", "--ignore-cache"]

    def clean(self, site: Path) -> None:
        """Set output/ and cache/ aside."""
        for folder in ("output", "cache"):
            set_aside(site / folder)

    def template_file(self, site: Path) -> Path:
        """The template of every article page."""
        return site / "theme/templates/article.html"

    def post_file(self, site: Path, number: int) -> Path:
        """content/posts/post-NNNNN.md, as in the corpus."""
        return post_path(site, number)

    def output_files(self, site: Path) -> int:
        """Files in output/."""
        return count_files(site / "output")


def _pelican_theme() -> Path | None:
    try:
        import pelican
    except ImportError:
        return None
    return Path(pelican.__file__).parent / "themes/notmyidea"


PEERS: tuple[Peer, ...] = (Hugo(), Pelican())


def main() -> None:
    """Command line: time a cold build of each installed peer on a fresh corpus."""
    from benchmarks.corpus import write_corpus
    from benchmarks.measure import run_measured

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = write_corpus(Path(folder) / "corpus", args.posts)
        for peer in PEERS:
            if not peer.available():
                print(f"{peer.name}: not installed")
                continue
            site = Path(folder) / peer.name
            peer.prepare(corpus, site)
            for _ in range(args.runs):
                peer.clean(site)
                measured = run_measured(peer.build_command(site), cwd=site)
                files = peer.output_files(site)
                print(f"{peer.name}: {measured.seconds:.2f} s, {measured.peak_mib:.0f} MiB, "
                      f"{files} files, {files / measured.seconds:.0f} files/s")


if __name__ == "__main__":
    main()
