"""Host files for Netlify and Cloudflare Pages: `_headers` and `_redirects`.

Both hosts read the same syntax from the root of the folder they deploy, and
neither serves the files themselves. Paths in them are site paths with the
base path ('/hub/posts/x/'). The build makes them only when `publish:` has a
netlify or cloudflare target (the planner adds their routes).

`_headers` sets the security headers of every page, with a
Content-Security-Policy built from what the site really loads: the comment
providers of its pages (`csp_origins`), the remote images, frames, media and
scripts its Markdown embeds, and remote avatars when the config allows them.
It also says how long browsers may keep each kind of file. Both hosts join
the values of a header set by two matching rules with a comma, so the cache
rules match disjoint paths and no rule for all paths sets `Cache-Control`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hubgen.comments import PageComments
from hubgen.comments.providers import csp_origins
from hubgen.content.html_links import split_address
from hubgen.library import Library
from hubgen.plan.routes import Route, SitePlan
from hubgen.plan.urls import Urls

HEADERS_PATH = "/_headers"
REDIRECTS_PATH = "/_redirects"

LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=0, must-revalidate"

SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("X-Frame-Options", "SAMEORIGIN"),
)

# The fetch directives the policy spells out ('self' plus what the site uses); the rest
# fall back to default-src 'self'. media-src is written only when a page needs it.
_DIRECTIVES = ("script-src", "style-src", "img-src", "connect-src", "frame-src", "media-src")
# What a remote address in a page's Markdown is loaded as.
_EMBED_DIRECTIVES = {"img": ("img-src",), "iframe": ("frame-src",), "script": ("script-src",),
                     "video": ("media-src",), "audio": ("media-src",),
                     "track": ("media-src",), "source": ("media-src", "img-src")}
_EMBEDDED = re.compile(
    r"<(img|iframe|script|video|audio|track|source)\b[^>]*?\ssrc\s*=\s*[\"']?\s*"
    r"((?:https?:)?//[^\"'\s>]+)", re.IGNORECASE)


def _origin(address: str) -> str:
    """'https://cdn.example/x.png' → 'https://cdn.example'; '' for anything else."""
    parts = split_address(address)
    if parts is None:   # no address (https://[x): nothing a browser would load
        return ""
    scheme = parts.scheme.lower() or "https"
    if scheme not in ("http", "https") or not parts.hostname:
        return ""
    return f"{scheme}://{parts.netloc.lower().rsplit('@', 1)[-1]}"


def _content_origins(library: Library) -> dict[str, list[str]]:
    """The remote origins the site's own pages load: Markdown embeds, hero images, avatars."""
    found: dict[str, list[str]] = {}
    for document in library.documents:
        for tag, address in _EMBEDDED.findall(document.html):
            for directive in _EMBED_DIRECTIVES[tag.lower()]:
                found.setdefault(directive, []).append(_origin(address))
        if document.image and "//" in document.image:
            found.setdefault("img-src", []).append(_origin(document.image))
    if library.config.avatars.remote:
        # Avatars of people and of thread participants may come from any host.
        found.setdefault("img-src", []).append("https:")
    return found


def content_security_policy(library: Library, comments: Iterable[PageComments]) -> str:
    """The Content-Security-Policy of the site's pages, from what they load."""
    sources: dict[str, list[str]] = {directive: ["'self'"] for directive in _DIRECTIVES}
    for page in comments:
        for directive, origins in csp_origins(page.provider, page.settings).items():
            sources.setdefault(directive, ["'self'"]).extend(origins)
    for directive, origins in _content_origins(library).items():
        sources[directive].extend(origins)
    parts = ["default-src 'self'"]
    for directive, values in sources.items():
        if directive == "media-src" and values == ["'self'"]:
            continue
        unique = list(dict.fromkeys(value for value in values if value))
        parts.append(f"{directive} {' '.join(unique)}")
        if directive == "style-src":
            # The tag cloud sets each tag's weight in a style attribute; <style> stays closed.
            parts.append("style-src-attr 'unsafe-inline'")
    parts += ["base-uri 'self'", "form-action 'self'", "object-src 'none'",
              "frame-ancestors 'self'"]
    return "; ".join(parts)


def _block(path: str, headers: Iterable[tuple[str, str]]) -> list[str]:
    return [path, *(f"  {name}: {value}" for name, value in headers)]


def render_headers(library: Library, urls: Urls, comments: Iterable[PageComments]) -> bytes:
    """`_headers`: security headers for every page, long caching for fingerprinted assets,
    and revalidation for pages and feeds."""
    base = urls.url("/")
    policy = content_security_policy(library, comments)
    lines = ["# Written by hubgen for Netlify and Cloudflare Pages: do not edit, it is rebuilt.",
             "# Every file: what a page may load, and the usual protections.",
             *_block(base + "*", [("Content-Security-Policy", policy), *SECURITY_HEADERS]),
             "",
             "# The theme links its stylesheets and scripts with ?v=HASH: a changed file gets a",
             "# new address, so browsers may keep them for a year.",
             *_block(base + "css/*", [("Cache-Control", LONG_CACHE)]),
             *_block(base + "js/*", [("Cache-Control", LONG_CACHE)]),
             "",
             "# Pages, feeds and calendars: checked again at every visit, so a publish shows "
             "at once.",
             *_block(base, [("Cache-Control", SHORT_CACHE)])]
    for pattern in ("*/", "*.html", "*.xml", "*.ics"):
        lines += _block(base + pattern, [("Cache-Control", SHORT_CACHE)])
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_redirects(plan: SitePlan, urls: Urls, hosts: Iterable[str]) -> bytes:
    """`_redirects`: each alias of a page moves for good (301) to the page.

    The build also writes a page at each alias that forwards the reader. Netlify
    serves an existing file before a rule unless the rule is forced ('301!');
    Cloudflare applies rules first and refuses the '!'. With a Netlify target
    only, the rules are forced; otherwise Netlify serves the forwarding pages.
    """
    status = "301!" if set(hosts) == {"netlify"} else "301"
    lines = ["# Written by hubgen from the aliases: of front matter: do not edit, it is rebuilt."]
    for route in plan.of_kind("alias"):
        # The old address as readers ask for it (/release-v1.2), not the folder its
        # forwarding page is written to (/release-v1.2/).
        old = route.context.get("alias", route.path)
        lines.append(f"{urls.url(old)} {urls.url(route.context['target'])} {status}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_host_file(route: Route, library: Library, plan: SitePlan, urls: Urls,
                     comments: Iterable[PageComments]) -> bytes:
    """The bytes of one host-file route (`/_headers` or `/_redirects`)."""
    if route.path == HEADERS_PATH:
        return render_headers(library, urls, comments)
    if route.path == REDIRECTS_PATH:
        return render_redirects(plan, urls, route.context.get("hosts", ()))
    raise ValueError(f"unknown host file {route.path!r}")
