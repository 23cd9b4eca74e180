"""Comment embeds, as built: config checks per provider, where comments appear, each page's
identity, the embed markup behind consent, and the Content-Security-Policy each one needs."""

from __future__ import annotations

import pytest
from conftest import REPO, parse_html, run_hubgen

from hubgen.comments.providers import PROVIDERS, csp_origins

SETTINGS = {
    "giscus": "{repo: org/name, repo_id: R_abc, category: Comments, category_id: DIC_xyz}",
    "utterances": "{repo: org/name}",
    "disqus": "{shortname: myhub}",
    "isso": '{url: "https://comments.example.com"}',
    "remark42": '{host: "https://remark.example.com", site_id: myhub}',
    "hyvor": "{website_id: 1234}",
}


def _with_comments(hub, text: str, site: str = "minimal"):
    root = hub(site)
    config = root / "hubgen.yaml"
    config.write_text(config.read_text() + "comments:\n" + text)
    return root


def _embed(page):
    [template] = page.xpath('//section[@data-hubgen-comments]/template')
    return template


ERRORS = {
    "giscus": ("  provider: giscus\n  giscus: {repo: org/name, repoid: R_abc, category: C}\n", """\
hubgen.yaml:12:11: error: comments.giscus is missing repo_id, category_id
      giscus: {repo: org/name, repoid: R_abc, category: C}
              ^
  hint: giscus needs repo, repo_id, category, category_id; add e.g. {repo_id: R_kgDO..., category_id: DIC_kwDO...}.
hubgen.yaml:12:28: error: comments.giscus has no setting 'repoid'
      giscus: {repo: org/name, repoid: R_abc, category: C}
                               ^
  hint: did you mean 'repo_id'? giscus takes: repo, repo_id, category, category_id, strict, reactions, emit_metadata, input_position, theme, lang.
"""),
    "utterances": ("  provider: utterances\n  utterances: {repo: justaname}\n", """\
hubgen.yaml:12:22: error: comments.utterances.repo must be 'owner/name' of a GitHub repository, got 'justaname'
      utterances: {repo: justaname}
                         ^
  hint: e.g. repo: org/name
"""),
    "disqus": ("  provider: disqus\n", """\
hubgen.yaml:11:13: error: comments.disqus is missing shortname
      provider: disqus
                ^
  hint: disqus needs shortname; add e.g. {shortname: myhub}.
"""),
    "isso": ("  provider: isso\n  isso: {url: comments.example.com}\n", """\
hubgen.yaml:12:15: error: comments.isso.url must be an absolute http(s) URL, got 'comments.example.com'
      isso: {url: comments.example.com}
                  ^
  hint: e.g. url: https://comments.example.com/
"""),
    "remark42": ("  provider: remark42\n  remark42: {host: https://r.example.com, siteid: x}\n", """\
hubgen.yaml:12:13: error: comments.remark42 is missing site_id
      remark42: {host: https://r.example.com, siteid: x}
                ^
  hint: remark42 needs host, site_id; add e.g. {site_id: myhub}.
hubgen.yaml:12:43: error: comments.remark42 has no setting 'siteid'
      remark42: {host: https://r.example.com, siteid: x}
                                              ^
  hint: did you mean 'site_id'? remark42 takes: host, site_id, locale, max_shown_comments, simple_view, no_footer, show_email_subscription.
"""),
    "hyvor": ("  provider: hyvor\n  hyvor: {website_id: true}\n", """\
hubgen.yaml:12:23: error: comments.hyvor.website_id must be non-empty text
      hyvor: {website_id: true}
                          ^
  hint: e.g. website_id: 1234
"""),
    "mastodon": ("  provider: mastodn\n", """\
hubgen.yaml:11:13: error: unknown comment provider 'mastodn'
      provider: mastodn
                ^
  hint: did you mean 'mastodon'? choose one of giscus, utterances, disqus, isso, remark42, hyvor, mastodon, bluesky.
"""),
    "bluesky": ("  provider: bluesky\n  load: later\n  bluesky: {api: public.api.bsky.app}\n", """\
hubgen.yaml:12:9: error: comments.load must be one of click, lazy, eager, got 'later'
      load: later
            ^
  hint: click (the default) loads nothing until the reader asks.
hubgen.yaml:13:18: error: comments.bluesky.api must be an absolute http(s) URL, got 'public.api.bsky.app'
      bluesky: {api: public.api.bsky.app}
                     ^
  hint: e.g. api: https://public.api.bsky.app
"""),
}


@pytest.mark.parametrize("provider", sorted(ERRORS))
def test_a_missing_or_misspelled_setting_is_a_config_error_with_a_hint(hub, provider):
    config, expected = ERRORS[provider]
    root = _with_comments(hub, config)
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    errors = result.err.split("Build failed")[0]
    assert errors == expected


@pytest.mark.parametrize("shortname", ["evil.example/payload.js?", "a b", "-x", "x.y"])
def test_a_disqus_shortname_that_would_move_the_script_elsewhere_is_refused(hub, shortname):
    # The embed loads https:// + shortname + .disqus.com/embed.js.
    root = _with_comments(hub, f"  provider: disqus\n  disqus: {{shortname: '{shortname}'}}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert f"comments.disqus.shortname must be a Disqus shortname (letters, digits and " \
           f"hyphens), got {shortname!r}" in result.err
    assert not (root / "public").exists()


@pytest.mark.parametrize("url, message", [
    # The server's address is in every page: a password there would be published.
    ("https://admin:secret@comments.example.com/", "must not hold a user name or password"),
    ("https://comments.example.com:99999/", "has an impossible port"),
    ("https://comments example.com/", "has no valid host name"),
    ("https://[comments]/", "has no valid host name"),
])
def test_a_comment_server_url_is_checked_like_the_site_s_own(hub, url, message):
    root = _with_comments(hub, f"  provider: isso\n  isso: {{url: '{url}'}}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert f"hubgen.yaml:12:15: error: comments.isso.url {message}" in result.err
    assert not (root / "public").exists()


@pytest.mark.parametrize("provider", sorted(SETTINGS))
def test_each_provider_waits_behind_a_notice_with_its_exact_embed(hub, provider):
    root = _with_comments(hub, f"  provider: {provider}\n  {provider}: {SETTINGS[provider]}\n")
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    page = parse_html(root / "public/posts/the-third/index.html")
    [section] = page.xpath("//section[@data-hubgen-comments]")
    assert section.get("data-provider") == provider
    assert section.get("data-load") == "click"
    notice = section.xpath(".//*[@data-comments-notice]")[0]
    assert notice.get("hidden") is None
    assert section.xpath(".//button[@data-comments-load]")
    # Nothing live outside the inert template: no provider script, iframe or custom element.
    outside = [e for e in page.iter() if not any(a.tag == "template" for a in e.iterancestors())
               and e.tag != "template"]
    assert not [e for e in outside if e.tag == "script" and "comments.js" not in
                (e.get("src") or "") and e.get("type") != "application/ld+json"]
    assert not [e for e in outside if e.tag in ("iframe", "hyvor-talk-comments")]
    raw = (root / "public/posts/the-third/index.html").read_text()
    before_template = raw.split("<template data-comments-embed>")[0]
    for url in ("https://giscus.app", "https://utteranc.es", "disqus.com/embed",
                "comments.example.com/js", "https://remark.example.com", "https://talk.hyvor.com"):
        assert url not in before_template
    assert (root / "public/js/comments.js").is_file()


def test_the_embeds_carry_the_page_identity_and_follow_light_and_dark(hub):
    root = _with_comments(hub, "  provider: giscus\n  giscus: " + SETTINGS["giscus"] + "\n")
    result = run_hubgen("build", "--base-url", "https://preview.example/pr-3/", cwd=root)
    assert result.code == 0, result.err
    page = (root / "public/posts/the-third/index.html").read_text()
    assert 'data-term="/posts/the-third/"' in page, "the path, not the preview host"
    assert 'data-mapping="specific"' in page
    assert 'data-theme="preferred_color_scheme"' in page
    for provider, expected in [
        ("utterances", ['issue-term="/posts/the-third/"', 'theme="preferred-color-scheme"']),
        ("disqus", ['this.page.identifier = "/posts/the-third/"',
                    'this.page.url = "https://minimal.example/posts/the-third/"',
                    '"https://" + "myhub" + ".disqus.com/embed.js"']),
        ("isso", ['data-isso="https://comments.example.com/"',
                  'src="https://comments.example.com/js/embed.min.js"',
                  'data-isso-id="/posts/the-third/"']),
        ("remark42", ['url: "https://minimal.example/posts/the-third/"',
                      'site_id: "myhub"', '"(prefers-color-scheme: dark)"',
                      'host: "https://remark.example.com"']),
        ("hyvor", ['src="https://talk.hyvor.com/embed/embed.js"', 'website-id="1234"',
                   'page-id="/posts/the-third/"', 'colors="os"']),
    ]:
        config = root / "hubgen.yaml"
        text = config.read_text().split("comments:\n")[0]
        config.write_text(text + f"comments:\n  provider: {provider}\n  {provider}: "
                          f"{SETTINGS[provider]}\n")
        result = run_hubgen("build", "--base-url", "https://preview.example/pr-3/", cwd=root)
        assert result.code == 0, result.err
        page = (root / "public/posts/the-third/index.html").read_text()
        for fragment in expected:
            assert fragment in page, (provider, fragment)


def test_pages_choose_where_comments_appear_and_may_turn_them_off_or_override(hub):
    root = _with_comments(hub, "  provider: giscus\n  load: lazy\n  on: [posts]\n  giscus: "
                          + SETTINGS["giscus"] + "\n", site="conversations")
    post = root / "content/posts/2026-03-13-by-zoe.md"
    post.write_text(post.read_text().replace("author: zoe", "author: zoe\ncomments: false"))
    recap = root / "content/posts/2026-03-12-recap.md"
    recap.write_text(recap.read_text().replace(
        "author: ana", 'author: ana\ncomments: {mastodon: {url: "https://social.example/@talk/100"}}'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 0, result.err
    public = root / "public"
    assert not parse_html(public / "posts/by-zoe/index.html").xpath("//section[@data-hubgen-comments]")
    assert not parse_html(public / "threads/chat-one/index.html").xpath(
        "//section[@data-hubgen-comments]"), "threads are not in on:"
    [mastodon] = parse_html(public / "posts/recap/index.html").xpath(
        "//section[@data-hubgen-comments]")
    assert mastodon.get("data-provider") == "mastodon"
    assert mastodon.get("data-load") == "lazy"
    assert mastodon.xpath(".//*[@data-comments-notice]")[0].get("hidden") is not None
    assert 'data-post="https://social.example/@talk/100"' in \
        (public / "posts/recap/index.html").read_text()
    # Written `comments: true` turns them on where `on:` leaves them off.
    thread = root / "content/threads/chat-one.yaml"
    thread.write_text("comments: true\n" + thread.read_text())
    assert run_hubgen("build", cwd=root).code == 0
    [giscus] = parse_html(public / "threads/chat-one/index.html").xpath(
        "//section[@data-hubgen-comments]")
    assert giscus.get("data-provider") == "giscus"
    assert not parse_html(public / "threads/mastodon-brew/index.html").xpath(
        "//section[@data-hubgen-comments]")


def test_a_bad_override_in_front_matter_names_the_post_line(hub):
    root = _with_comments(hub, "  provider: giscus\n  giscus: " + SETTINGS["giscus"] + "\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace(
        "author: kim", 'author: kim\ncomments: {mastodon: {url: "https://social.example/about"}}'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "content/posts/third.md:6:28: error: comments.mastodon.url must be the URL of a Mastodon "
        "post (https://HOST/@user/ID), got 'https://social.example/about'")


def test_a_provider_written_as_a_list_is_an_error_at_its_line_not_a_traceback(hub):
    # One page shows one provider: a list of them (or a mapping) names none.
    root = _with_comments(hub, "  provider: [giscus, mastodon]\n  giscus: "
                          + SETTINGS["giscus"] + "\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("author: kim",
                                             "author: kim\ncomments: {provider: {name: isso}}"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "hubgen.yaml:11:13: error: comments.provider must be the name of one provider, " \
           "got ['giscus', 'mastodon']\n" in result.err
    assert "  hint: choose one of giscus, utterances, disqus, isso, remark42, hyvor, mastodon, " \
           "bluesky; a page may choose another in its front matter" in result.err
    assert "content/posts/third.md:6:22: error: comments.provider must be the name of one " \
           "provider, got {'name': 'isso'}\n" in result.err
    assert not (root / "public").exists()


def test_a_page_holding_the_settings_of_two_providers_says_which_one_is_unsaid(hub):
    # The site's provider was shown and the page's other settings dropped without a word.
    root = _with_comments(hub, "  provider: giscus\n  giscus: " + SETTINGS["giscus"] + "\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace(
        "author: kim", "author: kim\ncomments:\n  mastodon: {url: "
        '"https://social.example/@brand/1"}\n  giscus: {term: other}'))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    assert result.err.startswith(
        "content/posts/third.md:8:3: error: 'comments' holds the settings of mastodon and "
        "giscus: a page shows one provider\n"), result.err
    assert "  hint: say which with provider: (e.g. provider: mastodon)" in result.err
    post.write_text(post.read_text().replace("comments:\n", "comments:\n  provider: mastodon\n"))
    assert run_hubgen("build", cwd=root).code == 0


def test_every_provider_declares_its_content_security_policy():
    for name, provider in PROVIDERS.items():
        assert provider.identity and provider.dark_mode, name
    assert csp_origins(PROVIDERS["giscus"], {})["frame-src"] == ("https://giscus.app",)
    isso = csp_origins(PROVIDERS["isso"], {"url": "https://comments.example.com/"})
    assert isso["script-src"] == ("https://comments.example.com",)
    assert csp_origins(PROVIDERS["bluesky"], {"api": "https://public.api.bsky.app/"}
                       )["connect-src"] == ("https://public.api.bsky.app",)


@pytest.mark.parametrize("override", ["{provider: isso}", "{mastodon: {}}", "{mastodon: null}"])
def test_a_page_that_names_a_provider_without_its_settings_is_an_error(hub, override):
    root = _with_comments(hub, "  provider: giscus\n  giscus: " + SETTINGS["giscus"] + "\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("author: kim", f"author: kim\ncomments: {override}"))
    result = run_hubgen("build", cwd=root)
    assert result.code == 1
    name = "isso" if "isso" in override else "mastodon"
    assert f"content/posts/third.md:6:11: error: comments.{name} is missing " in result.err


@pytest.mark.parametrize("provider, settings, host", [
    ("bluesky", "{api: 'https://api.bsky.northwind.example/'}", "api.bsky.northwind.example"),
    ("bluesky", "{}", "public.api.bsky.app"),
    ("isso", SETTINGS["isso"], "comments.example.com"),
    ("giscus", SETTINGS["giscus"], "giscus.app and github.com"),
])
def test_the_consent_notice_names_the_host_the_comments_load_from(hub, provider, settings,
                                                                    host):
    root = _with_comments(hub, f"  provider: {provider}\n  {provider}: {settings}\n")
    post = root / "content/posts/third.md"
    if provider == "bluesky":
        post.write_text(post.read_text().replace("author: kim", "author: kim\ncomments: "
                        "{bluesky: {url: 'https://bsky.app/profile/x.example/post/3kabc'}}"))
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/posts/the-third/index.html")
    notice = " ".join(page.xpath("string(//*[@data-comments-notice])").split())
    assert f"Loading them connects your browser to {host}, which may set cookies." in notice


def test_a_page_s_comment_url_is_written_as_its_canonical_url(hub):
    root = _with_comments(hub, "  provider: remark42\n  remark42: " + SETTINGS["remark42"] + "\n")
    post = root / "content/posts/third.md"
    post.write_text(post.read_text().replace("slug: the-third", "slug: コーヒー"))
    assert run_hubgen("build", cwd=root).code == 0
    page = parse_html(root / "public/posts/コーヒー/index.html")
    canonical = page.xpath('//link[@rel="canonical"]/@href')[0]
    assert canonical == "https://minimal.example/posts/%E3%82%B3%E3%83%BC%E3%83%92%E3%83%BC/"
    embed = (root / "public/posts/コーヒー/index.html").read_text()
    assert f'url: "{canonical}",' in embed


# The example servers the README's table names for the providers that need one.
_README_SERVERS = {"isso": {"url": "https://comments.example.com/"},
                   "remark42": {"host": "https://remark.example.com"}}


def _csp_cell(origins: dict[str, tuple[str, ...]]) -> str:
    return "; ".join(f"`{directive}` {' '.join(values)}" for directive, values in origins.items())


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_the_readme_names_the_content_security_policy_each_provider_gets(name):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}` |"))
    assert row.rstrip(" |").endswith(
        _csp_cell(csp_origins(PROVIDERS[name], _README_SERVERS.get(name, {}))))
