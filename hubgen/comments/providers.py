"""The comment providers hubgen knows: each one's settings, hosts and Content-Security-Policy.

The embed markup itself lives in the theme, one template per provider
(`comments/NAME.html`), so a site can override it like any template.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from hubgen.config import CheckFailed, web_address


class SettingError(ValueError):
    """A provider setting with a value of the wrong kind."""


def text_setting(value: Any) -> str:
    """A non-empty text setting."""
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise SettingError("must be non-empty text")
    return str(value).strip()


def flag_setting(value: Any) -> bool:
    """A true/false setting."""
    if not isinstance(value, bool):
        raise SettingError("must be true or false")
    return value


def whole_setting(value: Any) -> int:
    """A whole-number setting."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingError("must be a whole number")
    return value


def _http_url(value: Any) -> str:
    text = text_setting(value)
    try:
        web_address(text)   # the checks of the site's own url
    except CheckFailed as exc:
        raise SettingError(exc.message) from None
    return text


def _server_url(value: Any) -> str:
    return _http_url(value).rstrip("/") + "/"


SHORTNAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"


def disqus_shortname(value: Any) -> str:
    """A Disqus shortname: letters, digits and inner hyphens."""
    # It becomes the host the embed's script loads from (SHORTNAME.disqus.com): anything
    # but a name would let a page load a script from elsewhere.
    text = text_setting(value)
    if not re.fullmatch(SHORTNAME, text):
        raise SettingError(f"must be a Disqus shortname (letters, digits and hyphens), "
                           f"got {text!r}")
    return text


def _repo(value: Any) -> str:
    text = text_setting(value)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", text):
        raise SettingError(f"must be 'owner/name' of a GitHub repository, got {text!r}")
    return text


def _choice(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = text_setting(value)
        if text not in allowed:
            raise SettingError(f"must be one of {', '.join(allowed)}, got {text!r}")
        return text
    return check


def _mastodon_post(value: Any) -> str:
    text = _http_url(value)
    path = urlsplit(text).path
    # Mastodon's two forms, GoToSocial's and Akkoma's (Pleroma's): all answer Mastodon's
    # API for a post's replies.
    if not re.fullmatch(r"/(@[^/]+(/statuses)?|users/[^/]+/statuses|notice)/[A-Za-z0-9]+/?",
                        path):
        raise SettingError(f"must be the URL of a Mastodon post "
                           f"(https://HOST/@user/ID), got {text!r}")
    return text


def _bluesky_post(value: Any) -> str:
    text = text_setting(value)
    if re.fullmatch(r"at://[^/]+/app\.bsky\.feed\.post/[A-Za-z0-9]+", text):
        return text
    if re.fullmatch(r"https://bsky\.app/profile/[^/]+/post/[A-Za-z0-9]+/?", text):
        return text
    raise SettingError("must be a Bluesky post URL (https://bsky.app/profile/HANDLE/post/ID) "
                       f"or an AT-URI, got {text!r}")


@dataclass(frozen=True)
class Setting:
    """One setting of a provider: how it is checked, whether it is required, its default."""

    check: Callable[[Any], Any]
    required: bool = False
    default: Any = None
    example: str = ""
    per_page: bool = False   # usually given in a page's front matter, not in hubgen.yaml


@dataclass(frozen=True)
class Provider:
    """A comment system: its settings, where it connects, and what its CSP needs."""

    name: str
    label: str
    hosts: tuple[str, ...]
    settings: dict[str, Setting]
    csp: dict[str, tuple[str, ...]] = field(default_factory=dict)
    identity: str = ""
    dark_mode: str = ""
    # The key of the site's words that names it to readers, when its label is words more
    # than a name ("Mastodon replies"); '' when the label is a name in every language.
    word: str = ""

    def required(self) -> list[str]:
        """The settings a page cannot do without."""
        return [name for name, setting in self.settings.items() if setting.required]


PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    Provider(
        "giscus", "giscus (GitHub Discussions)", ("giscus.app", "github.com"),
        {"repo": Setting(_repo, True, example="org/name"),
         "repo_id": Setting(text_setting, True, example="R_kgDO..."),
         "category": Setting(text_setting, True, example="Comments"),
         "category_id": Setting(text_setting, True, example="DIC_kwDO..."),
         "strict": Setting(flag_setting, default=False),
         "reactions": Setting(flag_setting, default=True),
         "emit_metadata": Setting(flag_setting, default=False),
         "input_position": Setting(_choice("bottom", "top"), default="bottom"),
         "theme": Setting(text_setting, default="preferred_color_scheme"),
         "lang": Setting(text_setting)},
        {"script-src": ("https://giscus.app",), "frame-src": ("https://giscus.app",),
         "style-src": ("https://giscus.app",)},
        identity="data-mapping=\"specific\" with data-term = the page's path ('/posts/x/')",
        dark_mode="data-theme=\"preferred_color_scheme\""),
    Provider(
        "utterances", "utterances (GitHub issues)", ("utteranc.es", "github.com"),
        {"repo": Setting(_repo, True, example="org/name"), "label": Setting(text_setting),
         "theme": Setting(text_setting, default="preferred-color-scheme")},
        {"script-src": ("https://utteranc.es",), "frame-src": ("https://utteranc.es",),
         "style-src": ("'unsafe-inline'",)},  # client.js adds a <style> to the page
        identity="issue-term = the page's path ('/posts/x/')",
        dark_mode="theme=\"preferred-color-scheme\""),
    Provider(
        "disqus", "Disqus", ("disqus.com", "disquscdn.com"),
        {"shortname": Setting(disqus_shortname, True, example="myhub")},
        # The embed sets disqus_config in an inline script.
        {"script-src": ("https://*.disqus.com", "https://*.disquscdn.com", "'unsafe-inline'"),
         "frame-src": ("https://disqus.com", "https://*.disqus.com"),
         "img-src": ("https://*.disquscdn.com", "https://referrer.disqus.com"),
         "connect-src": ("https://*.disqus.com",),
         "style-src": ("https://*.disquscdn.com", "'unsafe-inline'")},
        identity="this.page.identifier = the page's path; this.page.url = its canonical URL",
        dark_mode="Disqus picks its colour scheme from the page's text colour"),
    Provider(
        "isso", "Isso", (),
        {"url": Setting(_server_url, True, example="https://comments.example.com/"),
         "lang": Setting(text_setting), "require_author": Setting(flag_setting),
         "require_email": Setting(flag_setting), "vote": Setting(flag_setting),
         "reply_to_self": Setting(flag_setting), "max_comments_top": Setting(whole_setting)},
        identity="data-isso-id = the page's path",
        dark_mode="none (style it with the theme's CSS)"),
    Provider(
        "remark42", "Remark42", (),
        {"host": Setting(_http_url, True, example="https://remark.example.com"),
         "site_id": Setting(text_setting, True, example="myhub"), "locale": Setting(text_setting),
         "max_shown_comments": Setting(whole_setting), "simple_view": Setting(flag_setting),
         "no_footer": Setting(flag_setting), "show_email_subscription": Setting(flag_setting)},
        # remark_config and the loader are inline scripts; the server's origin is added below.
        {"script-src": ("'unsafe-inline'",)},
        identity="url = the canonical URL built from hubgen.yaml's url (never --base-url)",
        dark_mode="theme: \"dark\" or \"light\", from the reader's setting when it loads"),
    Provider(
        "hyvor", "Hyvor Talk", ("talk.hyvor.com",),
        {"website_id": Setting(text_setting, True, example="1234"),
         "language": Setting(text_setting)},
        {"script-src": ("https://talk.hyvor.com",), "frame-src": ("https://talk.hyvor.com",),
         "connect-src": ("https://talk.hyvor.com", "https://talk-api.hyvor.com"),
         "img-src": ("https://talk.hyvor.com",)},
        identity="page-id = the page's path",
        dark_mode="colors=\"os\""),
    Provider(
        "mastodon", "Mastodon replies", (),
        {"url": Setting(_mastodon_post, True, example="https://mastodon.social/@you/1234",
                        per_page=True)},
        {"connect-src": ("https:",)},
        identity="the Mastodon post named in the page's front matter",
        dark_mode="rendered by the theme, so it follows the site", word="mastodon_replies"),
    Provider(
        "bluesky", "Bluesky replies", ("public.api.bsky.app",),
        {"url": Setting(_bluesky_post, True,
                        example="https://bsky.app/profile/you.bsky.social/post/3k...",
                        per_page=True),
         "api": Setting(_server_url, default="https://public.api.bsky.app/",
                        example="https://public.api.bsky.app")},
        {"connect-src": ("https://public.api.bsky.app",)},
        identity="the Bluesky post named in the page's front matter",
        dark_mode="rendered by the theme, so it follows the site", word="bluesky_replies"),
)}


def named_server(provider: Provider, settings: dict[str, Any]) -> str:
    """The origin of the server a site's settings name (scheme and host), or '': Bluesky's
    `api`; else a `url` or `host` (Isso's, Remark42's server, a Mastodon post's)."""
    url = settings.get("api") if provider.name == "bluesky" else \
        settings.get("url") or settings.get("host")
    parts = urlsplit(str(url or ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def contacted_hosts(provider: Provider, settings: dict[str, Any]) -> tuple[str, ...]:
    """The hosts a reader's browser connects to once the comments load: the provider's,
    the server a site names (Isso, Remark42, a Mastodon post's), or Bluesky's `api`."""
    server = urlsplit(named_server(provider, settings)).netloc
    if provider.name == "bluesky" or not provider.hosts:
        return (server,) if server else provider.hosts
    return provider.hosts


def csp_origins(provider: Provider, settings: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The Content-Security-Policy sources a provider needs, per directive."""
    origins = {directive: tuple(values) for directive, values in provider.csp.items()}
    server = named_server(provider, settings)
    # Only Isso and Remark42 name a server of their own; Mastodon's `url` is a post, read
    # through connect-src, and Bluesky's `api` is the one host it connects to.
    if server and provider.name in ("isso", "remark42"):
        for directive in ("script-src", "frame-src", "connect-src", "img-src", "style-src"):
            origins[directive] = (*origins.get(directive, ()), server)
    if server and provider.name == "bluesky":
        origins["connect-src"] = (server,)
    return origins
