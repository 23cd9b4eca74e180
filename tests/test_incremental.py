"""Rebuilding the minimum: a cached rebuild re-parses and re-renders only what changed,
and always gives exactly the bytes of a clean build."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import clean_env, run_hubgen

from hubgen.build import BuildOptions, build_site
from hubgen.build.cache import BuildCache
from hubgen.build.fingerprints import MANY_ITEMS, digest, list_texts, site_signature
from hubgen.content.models import Author
from hubgen.library import Library
from hubgen.render.listed import DOCUMENT_SHOWN, THREAD_SHOWN

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _options(root: Path, drafts: bool = False) -> BuildOptions:
    return BuildOptions(root=root, now=NOW, output=root / "public", drafts=drafts,
                        future=drafts)


def _clean(root: Path, drafts: bool = False) -> dict[str, bytes]:
    return build_site(_options(root, drafts), write=False).files


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def _add(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


CHANGES: dict[str, Callable[[Path], None]] = {
    "post body": lambda r: _edit(r / "content/posts/2026-03-12-recap.md", "And the best answer",
                                 "And the very best answer"),
    "post summary": lambda r: _edit(r / "content/posts/2026-03-12-recap.md", "What we heard",
                                    "What we heard and learned"),
    "post title": lambda r: _edit(r / "content/posts/2026-03-12-recap.md",
                                  "title: Recap of chat one", "title: Recap, revised"),
    "thread message": lambda r: _edit(r / "content/threads/mastodon-brew.yaml", "1:16, always.",
                                      "1:16, nearly always."),
    "person renamed": lambda r: _edit(r / "content/people.yaml", "Kim Lee", "Kimberly Lee"),
    "tag added": lambda r: _edit(r / "content/threads/mastodon-brew.yaml", "tags: [brewing]",
                                 "tags: [brewing, ratios]"),
    "tag removed": lambda r: _edit(r / "content/posts/2026-03-12-recap.md",
                                   "tags: [tweetchat]", "tags: []"),
    "template": lambda r: _edit(r / "templates/page.html", "CUSTOM-PAGE", "CUSTOM-PAGE-2"),
    "config": lambda r: _edit(r / "hubgen.yaml", "title: Conversation Hub",
                              "title: Conversation Hub Two"),
    "static file": lambda r: (r / "static/images/tom.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle r="2"/></svg>'),
    "file deleted": lambda r: (r / "content/posts/2026-03-13-by-zoe.md").unlink(),
    "file renamed": lambda r: (r / "content/threads/mastodon-brew.yaml").rename(
        r / "content/threads/brewing-on-mastodon.yaml"),
    "message author changed": lambda r: _edit(r / "content/threads/mastodon-brew.yaml",
                                              "author: ben", "author: ana"),
    "post becomes a draft": lambda r: _edit(r / "content/posts/2026-03-12-recap.md",
                                            "author: ana", "author: ana\ndraft: true"),
    "thread becomes a draft": lambda r: _edit(r / "content/threads/mastodon-brew.yaml",
                                              "tags: [brewing]", "tags: [brewing]\ndraft: true"),
    "file added": lambda r: _add(r / "content/pages/faq.md",
                                 "---\ntitle: FAQ\n---\nQuestions and answers.\n"),
    # Tom first speaks here, dated before his last word elsewhere: no date of a page or
    # of the thread changes, yet his page shows the thread.
    "a voice joins a thread": lambda r: _edit(
        r / "content/threads/mastodon-brew.yaml", "  - {id: f,",
        '  - {id: g, author: tom, date: 2026-03-10 11:00, text: "Welcome!"}\n  - {id: f,'),
    "thread hashtag": lambda r: _edit(r / "content/threads/mastodon-brew.yaml",
                                      "tags: [brewing]", 'tags: [brewing]\nhashtag: "#Ratios"'),
    "thread platform": lambda r: _edit(r / "content/threads/mastodon-brew.yaml",
                                       "platform: mastodon", "platform: forum"),
    "static file, same size and time": lambda r: _same_size_and_time(r / "static/images/tom.svg"),
    "bundle added": lambda r: (_add(r / "content/posts/2026-03-14-trip/index.md",
                                    "---\ntitle: A trip\n---\n![The view](view.svg)\n"),
                               _add(r / "content/posts/2026-03-14-trip/view.svg", "<svg/>")),
}


def _same_size_and_time(path: Path) -> None:
    """Other bytes of the same length, given back the file's time (as `cp -p` may)."""
    stat = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"<svg", b"<SVG", 1) if b"<svg" in data else data[::-1])
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.parametrize("drafts", [False, True], ids=["as-built", "as-served"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_cached_rebuild_equals_a_clean_build_byte_for_byte(hub_with_template, change, drafts):
    root = hub_with_template
    cache = BuildCache()
    build_site(_options(root, drafts), cache=cache, write=False)
    CHANGES[change](root)
    incremental = build_site(_options(root, drafts), cache=cache, write=False).files
    clean = _clean(root, drafts)
    assert incremental.keys() == clean.keys()
    assert [name for name in clean if clean[name] != incremental[name]] == []


@pytest.mark.parametrize("change", ["a voice joins a thread", "thread hashtag",
                                    "thread platform", "message author changed",
                                    "static file, same size and time"])
def test_a_rebuild_from_the_cache_on_disk_equals_a_clean_build(hub_with_template, change):
    root = hub_with_template
    options = dataclasses.replace(_options(root), cache=True)
    build_site(options)
    CHANGES[change](root)
    build_site(options)
    written = {p.relative_to(root / "public").as_posix(): p.read_bytes()
               for p in (root / "public").rglob("*") if p.is_file()}
    written.pop(".hubgen-manifest.json")
    clean = _clean(root)
    assert written.keys() == clean.keys()
    assert [name for name in clean if clean[name] != written[name]] == []


def test_a_post_edit_parses_one_file_and_renders_only_the_pages_that_show_it(hub_with_template):
    root = hub_with_template
    cache = BuildCache()
    first = build_site(_options(root), cache=cache, write=False)
    total = len(first.plan.routes)
    assert cache.rendered_count == total
    CHANGES["post body"](root)
    second = build_site(_options(root), cache=cache, write=False)
    assert cache.parsed == 1
    changed = {name for name in second.files if second.files[name] != first.files[name]}
    assert "posts/recap/index.html" in changed
    assert cache.rendered_count < total / 3
    assert "threads/chat-one/index.html" not in changed


# Builds as `hubgen build` does, then names the engines the process loaded.
ENGINES_LOADED = """
import sys
from hubgen.cli import cli
cli.main(["build", "--quiet"], standalone_mode=False)
print(" ".join(m for m in ("jinja2", "markdown", "pygments", "feedgen") if m in sys.modules))
"""


def _engines_loaded_by_a_build(root: Path) -> list[str]:
    run = subprocess.run([sys.executable, "-c", ENGINES_LOADED], cwd=root, capture_output=True,
                         text=True, timeout=300, check=True, env=clean_env())
    return run.stdout.split()


def test_a_build_with_nothing_changed_loads_neither_jinja_nor_markdown(hub_with_template):
    root = hub_with_template
    assert run_hubgen("build", "--quiet", cwd=root).code == 0
    assert _engines_loaded_by_a_build(root) == []
    CHANGES["post body"](root)
    # Its page and its feeds are made again: the probe sees what a build loads.
    assert _engines_loaded_by_a_build(root) == ["jinja2", "markdown", "pygments", "feedgen"]


def test_a_path_hashes_the_same_however_it_was_made():
    # Python 3.13 pickles a path as the pieces it was made of, and the cache gives back
    # paths made otherwise than a fresh read makes them: hashed so, every page of a
    # rebuild with nothing changed was rendered again.
    joined = Path("/hub") / "content" / "people.yaml"
    whole = Path("/hub/content/people.yaml")
    restored = pickle.loads(pickle.dumps(joined))
    split = Path("/hub", "content/people.yaml")
    assert digest(joined) == digest(whole) == digest(restored) == digest(split)
    assert digest(Path("/hub/content/people.yml")) != digest(whole)


def test_a_template_edit_renders_pages_without_parsing_markdown(hub_with_template):
    root = hub_with_template
    cache = BuildCache()
    build_site(_options(root), cache=cache, write=False)
    CHANGES["template"](root)
    build_site(_options(root), cache=cache, write=False)
    assert cache.parsed == 0
    assert cache.rendered_count > 10


def test_a_static_file_is_copied_alone_and_a_config_change_rebuilds_everything(
        hub_with_template):
    root = hub_with_template
    cache = BuildCache()
    first = build_site(_options(root), cache=cache, write=False)
    CHANGES["static file"](root)
    build_site(_options(root), cache=cache, write=False)
    assert cache.parsed == 0
    assert cache.rendered_count == 2  # the file itself, and the sitemap (always rendered)
    CHANGES["config"](root)
    build_site(_options(root), cache=cache, write=False)
    assert cache.rendered_count == len(first.plan.routes)
    assert cache.parsed == len(list((root / "content").rglob("*.*")))


def test_an_editor_s_swap_file_or_backup_beside_the_templates_re_renders_nothing(
        hub_with_template):
    root = hub_with_template
    cache = BuildCache()
    build_site(_options(root), cache=cache, write=False)
    for name in (".post.html.swp", "post.html~", "#post.html#", "post.html___jb_old___"):
        _add(root / "templates" / name, "{{ not a template")
        build_site(_options(root), cache=cache, write=False)
        assert cache.rendered_count == 0, name


def _rendered(result) -> set[str]:
    return {output for output, _, _ in result.costs}


@pytest.mark.parametrize("change", ["post summary", "post title"])
def test_a_title_or_summary_edit_renders_only_the_pages_that_show_the_post(hub_with_template,
                                                                          change):
    root = hub_with_template
    cache = BuildCache()
    first = build_site(_options(root), cache=cache, write=False)
    CHANGES[change](root)
    second = build_site(_options(root), cache=cache, write=False)
    rendered = _rendered(second)
    assert {"posts/recap/index.html", "posts/by-zoe/index.html", "index.html"} <= rendered
    # A thread's page neither shows the post nor reads a list of posts; nor does the
    # default theme's page of a tag the post does not carry (it shows each tag's count).
    assert "threads/mastodon-brew/index.html" not in rendered
    assert "tags/brewing/index.html" in second.files
    assert "tags/brewing/index.html" not in rendered
    assert len(rendered) < len(first.plan.routes) / 2


# Pages that show other items' titles and summaries, read in every way a template can read
# one of the site's lists: each must be rendered again when what it read changes. A
# thread's page holds no post, and the guest post's page no thread: what they show of
# those they read from a list, or it goes stale.
LIST_READERS = {
    "site.posts": "{% for p in site.posts %}<i>{{ p.title }}: {{ p.summary }}</i>{% endfor %}",
    "site[posts]": '{% for p in site["posts"] %}<i>{{ p.title }}: {{ p.summary }}</i>{% endfor %}',
    "attr filter": '{% for p in site|attr("posts") %}<i>{{ p.title }}</i>{% endfor %}',
    "a tag's items": "{% for t in tags %}{% for p in t.items %}<i>{{ p.summary }}</i>"
                     "{% endfor %}{% endfor %}",
    "map attribute": '{% for items in tags|map(attribute="items") %}{% for p in items %}'
                     "<i>{{ p.title }}</i>{% endfor %}{% endfor %}",
    "recent threads": "{% for t in site.recent_threads %}<i>{{ t.title }}: "
                      "{{ conversation(t).message_count if conversation is callable }}</i>"
                      "{% endfor %}",
    "cached partial": '{{ cached_partial("partials/recent.html") }}',
    "card": "{% for p in site.posts %}{{ card(p) }}{% endfor %}",
    # Read once, where the module is made, and kept for every later page.
    "imported module": '{% import "partials/latest.html" as latest %}{{ latest.box() }}',
    # What no card shows: the listed items' own bodies, data and messages.
    "a listed post's body": "{% for p in site.posts %}<i>{{ p.html }}</i>{% endfor %}",
    "a listed post's extra": '{% for p in site.posts %}<i>{{ p["extra"].mood }}</i>{% endfor %}',
    # A key that Jinja holds as Markup, not str.
    "a key made as markup": "{% set k %}html{% endset %}{% for p in site.posts %}<i>{{ p[k] }}</i>"
                            "{% endfor %}",
    "a listed thread's messages": "{% for t in site.threads %}{% for m in t.messages %}"
                                  "<i>{{ m.text }}</i>{% endfor %}{% endfor %}",
    "a conversation's messages": "{% if conversation is callable %}"
                                 "{% for t in site.recent_threads %}"
                                 "{% for n in conversation(t).nodes %}<i>{{ n.message.text }}</i>"
                                 "{% endfor %}{% endfor %}{% endif %}",
}
LIST_CHANGES = {
    **{name: CHANGES[name] for name in ("post summary", "post title", "thread message")},
    "post description": lambda r: _edit(r / "content/posts/2026-03-13-by-zoe.md",
                                        "title: A guest post",
                                        "title: A guest post\ndescription: Card text"),
    # The same number of words, below the summary: the post's card stays the same.
    "post body, same length": lambda r: _edit(r / "content/posts/2026-03-12-recap.md",
                                              "And the best answer", "And the finest answer"),
    "post extra": lambda r: _edit(r / "content/posts/2026-03-12-recap.md", "author: ana",
                                  "author: ana\nextra: {mood: sunny}"),
    "thread title": lambda r: _edit(r / "content/threads/mastodon-brew.yaml",
                                    "title: Brewing on Mastodon", "title: Brewing, tooted"),
    # An older message than the newest: the thread's date and place in the lists stay.
    "thread message added": lambda r: _edit(
        r / "content/threads/mastodon-brew.yaml", "reply_to: b}\n",
        'reply_to: b}\n  - {id: z, author: ana, date: 2026-04-02 10:06, text: "Same.", '
        'url: "https://social.example/@ana/109", reply_to: a}\n'),
}
# The reader's page that shows the change only through the list, for each change that it
# shows there (so that the test above cannot pass on a page that never changes).
SHOWN_ONLY_THROUGH_A_LIST = {
    ("site.posts", "post summary"), ("site.posts", "post title"),
    ("site[posts]", "post summary"), ("site[posts]", "post title"),
    ("attr filter", "post title"), ("a tag's items", "post summary"),
    ("map attribute", "post title"), ("cached partial", "post summary"),
    ("cached partial", "post title"), ("card", "post summary"), ("card", "post title"),
    ("recent threads", "thread title"), ("recent threads", "thread message added"),
    ("imported module", "post title"), ("card", "post description"),
    ("a listed post's body", "post summary"), ("a listed post's body", "post body, same length"),
    ("a listed post's extra", "post extra"),
    ("a key made as markup", "post summary"), ("a key made as markup", "post body, same length"),
    ("a listed thread's messages", "thread message"),
    ("a listed thread's messages", "thread message added"),
    ("a conversation's messages", "thread message"),
    ("a conversation's messages", "thread message added"),
}


def _reading_hub(root: Path, reader: str) -> Path:
    (root / "templates/partials").mkdir()
    (root / "templates/partials/recent.html").write_text(LIST_READERS["site.posts"])
    (root / "templates/partials/latest.html").write_text(
        "{% set latest = site.posts[:3] %}{% macro box() %}{% for p in latest %}"
        "<i>{{ p.title }}</i>{% endfor %}{% endmacro %}")
    for template in ("post.html", "thread.html"):
        (root / "templates" / template).write_text(
            f'{{% extends "!theme/{template}" %}}{{% block content %}}{{{{ super() }}}}'
            f"<aside>{LIST_READERS[reader]}</aside>{{% endblock %}}")
    return root


@pytest.mark.parametrize("change", sorted(LIST_CHANGES))
@pytest.mark.parametrize("reader", sorted(LIST_READERS))
def test_a_page_that_reads_a_list_is_rendered_again_when_the_list_shows_other_texts(
        hub_with_template, reader, change):
    root = _reading_hub(hub_with_template, reader)
    cache = BuildCache()
    first = build_site(_options(root), cache=cache, write=False).files
    LIST_CHANGES[change](root)
    incremental = build_site(_options(root), cache=cache, write=False).files
    clean = _clean(root)
    assert incremental.keys() == clean.keys()
    assert [name for name in clean if clean[name] != incremental[name]] == []
    page = "threads/next-chat/index.html" if change.startswith("post") \
        else "posts/by-zoe/index.html"
    assert (first[page] != clean[page]) == ((reader, change) in SHOWN_ONLY_THROUGH_A_LIST)


def test_what_an_embed_reads_counts_for_every_feed_that_shows_the_post(hub_with_template):
    # A feed takes a post's body made for an earlier feed from its memo, embeds filled in.
    root = hub_with_template
    theme = Path(__file__).parent.parent / "themes/default/templates/partials/embed.html"
    (root / "templates/partials").mkdir()
    (root / "templates/partials/embed.html").write_text(
        theme.read_text() + "<p>{% for t in site.recent_threads %}{{ t.title }} {% endfor %}</p>")
    cache = BuildCache()
    first = build_site(_options(root), cache=cache, write=False).files
    LIST_CHANGES["thread title"](root)
    incremental = build_site(_options(root), cache=cache, write=False).files
    clean = _clean(root)
    assert [name for name in clean if clean[name] != incremental[name]] == []
    feeds = [name for name in clean if name.endswith((".xml", "atom.xml"))
             and b"Brewing, tooted" in clean[name] and b"Brewing on Mastodon" in first[name]]
    assert len(feeds) > 1


def _other(value: object) -> object:
    """A different value of the same kind."""
    if value is None:   # a date not given
        return NOW
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "-changed"
    if isinstance(value, datetime):
        return value + timedelta(days=1)
    if isinstance(value, tuple):
        return (*value, value[0]) if value else ("added",)
    if isinstance(value, Author):
        return dataclasses.replace(value, name=value.name + " Jr")
    raise AssertionError(f"no other value for {value!r}")


# Fixed by others of them: the reading time by the word count, the source file by the path
# under content/, the date of the last change by the date and its update, the kind by type.
DERIVED = {"reading_minutes", "source", "lastmod", "kind"}


@pytest.mark.parametrize("kind", ["posts", "threads"])
def test_every_attribute_a_list_is_said_to_show_is_hashed_for_the_pages_that_list_it(
        hub_with_template, kind):
    # A page is tied to a listed item only when it reads more of it than render.listed
    # says the lists show: each of those must be in the site signature or the list texts.
    library = build_site(_options(hub_with_template), write=False).library
    shown = DOCUMENT_SHOWN if kind == "posts" else THREAD_SHOWN
    item = next(i for i in getattr(library, kind) if getattr(i, "moderator", "x") is not None)

    def hashed(lib: Library) -> tuple[str, dict[str, str]]:
        return site_signature(lib, ()), list_texts(lib)

    before = hashed(library)
    unchanged = []
    for name in sorted(shown - DERIVED):
        if not hasattr(item, name):
            continue   # a post's field a thread has not: shown as nothing on both
        changed = dataclasses.replace(item, **{name: _other(getattr(item, name))})
        items = tuple(changed if i is item else i for i in getattr(library, kind))
        conversations = dict(library.conversations)
        if kind == "threads":
            conversations[changed.slug] = dataclasses.replace(
                library.conversation(item), thread=changed)
        other = dataclasses.replace(library, **{kind: items, "conversations": conversations})
        if hashed(other) == before:
            unchanged.append(name)
    assert unchanged == []


def test_a_page_that_asks_for_a_listed_post_s_comments_is_made_again_when_they_change(
        hub_with_template):
    # comments_for reads the post's own `comments:` in Python, not through the template.
    root = hub_with_template
    _add(root / "hubgen.yaml", (root / "hubgen.yaml").read_text() + (
        "comments: {provider: mastodon, load: click, on: [posts], mastodon: {}}\n"))
    _edit(root / "content/posts/2026-03-12-recap.md", "author: ana",
          'author: ana\ncomments: {mastodon: {url: "https://social.example/@ana/1"}}')
    (root / "templates/thread.html").write_text(
        '{% extends "!theme/thread.html" %}{% block content %}{{ super() }}<aside>'
        "{% for p in site.posts %}{% set c = comments_for(p) %}<i>{{ c.settings.url if c }}</i>"
        "{% endfor %}</aside>{% endblock %}")
    cache = BuildCache()
    first = build_site(_options(root), cache=cache, write=False).files
    _edit(root / "content/posts/2026-03-12-recap.md", "@ana/1", "@ana/2")
    incremental = build_site(_options(root), cache=cache, write=False).files
    clean = _clean(root)
    assert [name for name in clean if clean[name] != incremental[name]] == []
    page = "threads/next-chat/index.html"
    assert b"@ana/2</i>" in clean[page] and b"@ana/1</i>" in first[page]


def test_a_page_that_reads_every_post_keeps_one_text_for_them_all(hub_with_template):
    # A sidebar of every post's body on every page: one text per page, not one per post.
    root = hub_with_template
    for number in range(MANY_ITEMS + 4):
        _add(root / f"content/posts/2026-01-{number + 1:02d}-note-{number}.md",
             f"---\ntitle: Note {number}\n---\nThe note number {number} says hello.\n")
    (root / "templates/partials").mkdir()
    (root / "templates/partials/footer.html").write_text(
        "<footer>{% for p in site.posts %}<i>{{ p.html }}</i>{% endfor %}</footer>")
    cache = BuildCache()
    build_site(_options(root), cache=cache, write=False)
    # 22 posts: a page that lists some of them (its own) may read the rest one by one.
    assert "items:all" in {name for name, _ in cache.outputs["threads/next-chat/index.html"].lists}
    assert max(len(entry.lists) for entry in cache.outputs.values()) <= MANY_ITEMS + 3
    _edit(root / "content/posts/2026-01-07-note-6.md", "says hello", "says hi!!!")
    incremental = build_site(_options(root), cache=cache, write=False).files
    clean = _clean(root)
    assert [name for name in clean if clean[name] != incremental[name]] == []
    assert b"says hi!!!" in clean["threads/next-chat/index.html"]


def test_a_page_bundle_is_named_by_its_folder_and_its_files_follow_its_page(hub_with_template):
    root = hub_with_template
    bundle = root / "content/posts/2026-03-14-trip"
    _add(bundle / "index.md", "---\ntitle: A trip\n---\n![The view](view.svg) and "
                              "![the map](maps/map.svg)\n")
    _add(bundle / "view.svg", "<svg/>")
    _add(bundle / "maps/map.svg", "<svg><path/></svg>")
    cache = BuildCache()
    first = build_site(_options(root), cache=cache, write=False).files
    assert first["posts/trip/view.svg"] == b"<svg/>"
    assert first["posts/trip/maps/map.svg"] == b"<svg><path/></svg>"
    assert "posts/trip/index.md" not in first
    page = first["posts/trip/index.html"].decode()
    assert 'src="view.svg"' in page and "2026-03-14" in page
    (bundle / "view.svg").write_text("<svg><circle/></svg>")
    again = build_site(_options(root), cache=cache, write=False).files
    assert again == _clean(root)
    assert again["posts/trip/view.svg"] == b"<svg><circle/></svg>"
    # A draft bundle inside it publishes nothing, through its own page or the outer one's.
    _add(bundle / "day-two/index.md",
         "---\ntitle: Day two\ndate: 2026-03-15\ndraft: true\n---\nSoon.\n")
    _add(bundle / "day-two/secret.svg", "<svg/>")
    _add(bundle / "_notes/plan.txt", "not for readers")
    files = build_site(_options(root), cache=cache, write=False).files
    assert not [name for name in files if "secret" in name or "plan.txt" in name]


def test_an_asset_linked_at_the_top_of_an_imported_template_counts_for_every_page(
        hub_with_template):
    root = hub_with_template
    _add(root / "templates/partials/logo.html",
         '{% set src = asset("images/tom.svg") %}'
         '{% macro logo() %}<img class="logo" src="{{ src }}">{% endmacro %}')
    _add(root / "templates/post.html",
         '{% extends "!theme/post.html" %}{% block doc_footer_extra %}'
         '{% from "partials/logo.html" import logo %}{{ logo() }}{% endblock %}')
    for jobs in (1, 2):
        cache = BuildCache()
        build_site(dataclasses.replace(_options(root), jobs=jobs), cache=cache, write=False)
        (root / "static/images/tom.svg").write_text(f"<svg><!-- {jobs} --></svg>")
        incremental = build_site(dataclasses.replace(_options(root), jobs=jobs), cache=cache,
                                 write=False).files
        clean = _clean(root)
        pages = [name for name in clean if name.startswith("posts/") and b'class="logo"'
                 in clean[name]]
        assert len(pages) > 1
        assert [name for name in pages if clean[name] != incremental[name]] == []


def test_an_edit_behind_a_symlinked_templates_folder_or_the_link_removed_builds_anew(
        hub, tmp_path):
    root = hub("minimal")
    shared = tmp_path / "shared"
    shared.mkdir()
    footer = shared / "footer.html"
    footer.write_text("<footer>SHARED-1</footer>\n")
    (root / "templates").mkdir()
    (root / "templates/partials").symlink_to(shared, target_is_directory=True)
    (shared / "back").symlink_to(root / "templates", target_is_directory=True)   # a loop

    def built_alike(mark: str | None) -> None:
        assert run_hubgen("build", "--quiet", cwd=root).code == 0
        clean = run_hubgen("build", "--quiet", "--no-cache", "--jobs", "1", "--output",
                           str(tmp_path / "clean"), cwd=root)
        assert clean.code == 0, clean.err
        written = {p.relative_to(root / "public").as_posix(): p.read_bytes()
                   for p in (root / "public").rglob("*") if p.is_file()}
        written.pop(".hubgen-manifest.json")
        expected = {p.relative_to(tmp_path / "clean").as_posix(): p.read_bytes()
                    for p in (tmp_path / "clean").rglob("*") if p.is_file()}
        expected.pop(".hubgen-manifest.json")
        assert written.keys() == expected.keys()
        assert [name for name in expected if expected[name] != written[name]] == []
        home = written["index.html"]
        assert (f"<footer>{mark}</footer>".encode() in home) if mark else b"SHARED" not in home

    built_alike("SHARED-1")
    footer.write_text("<footer>SHARED-2</footer>\n")
    built_alike("SHARED-2")
    (root / "templates/partials").unlink()
    built_alike(None)
