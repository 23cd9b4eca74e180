"""The Renderer: one route in, the bytes of its file out."""

from __future__ import annotations

import os
import sys
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import jinja2
from markupsafe import Markup

from hubgen import __version__
from hubgen.comments import PageComments
from hubgen.content.markdown import EMBED_PLACEHOLDER, embed_of
from hubgen.content.models import Document, Person, Thread
from hubgen.content.themes import Theme
from hubgen.conversations import Participant, join_link
from hubgen.errors import Diagnostic, RenderError, TemplateMistake
from hubgen.hostfiles import render_host_file
from hubgen.library import Library, Tag
from hubgen.plan.routes import Route, SitePlan
from hubgen.plan.urls import Urls
from hubgen.render.assets import AssetDigests, AssetUrls
from hubgen.render.listed import ITEMS_SHOWN
from hubgen.render.saying import script_words
from hubgen.render.templates import (
    Made,
    SiteEnvironment,
    UndecodableTemplate,
    UnknownField,
    make_environment,
    reads_only_globals,
    template_folders,
)
from hubgen.seo import feed_links, page_meta, render_redirect, render_robots, render_sitemap
from hubgen.wording import closest, did_you_mean

if TYPE_CHECKING:
    from hubgen.feeds import FeedMemo

# The template whose `post_card` macro `card()` renders, and how many cards a worker keeps
# (about 1.5 KB each): enough for the listings of a few hundred posts around the ones
# being rendered, never a big hub's every card in every worker.
CARD_TEMPLATE = "partials/post-card.html"
CARD_MEMO_SIZE = 1024
# The kinds whose every item a page lists (`index_url`).
INDEX_KINDS = ("tag", "thread", "person")


class Reads(NamedTuple):
    """What a memoized piece of a page read: the assets it linked, the site's lists."""

    assets: frozenset[str]
    lists: frozenset[str]


@dataclass(frozen=True)
class MenuLink:
    """One link of the main navigation, ready for a template."""

    title: str
    url: str
    path: str


class SiteView:
    """What templates see as `site`: the config's facts and the Library's lists."""

    def __init__(self, library: Library, urls: Urls):
        config = library.config
        self.title = config.title
        self.description = config.description
        self.language = config.language
        self.direction = config.direction
        self.url = config.url
        self.base_path = config.base_path
        self.brand = config.brand
        self.author = config.author
        self.copyright = config.copyright
        self.extra = config.extra
        self.timezone = config.timezone
        self.posts = library.posts
        self.pages = library.pages
        self.tags = tuple(library.tags.values())
        self.people = library.people
        self.newest = library.newest_date
        self.threads = library.threads
        self.upcoming = library.upcoming
        self.recent_threads = library.recent_threads
        self.visible_people = library.visible_people
        self.brand_people = library.brand_people
        items = config.menu or ()
        self.menu = tuple(MenuLink(item.title, urls.url(item.url), item.url) for item in items)
        self.feeds = feed_links(library, urls, Route(path="/", kind="html"))


# What templates read the site's lists through (see SiteEnvironment.lists_read): the
# attributes of `site` that hold items, and a tag's items, each with the lists
# (fingerprints.list_texts) whose titles and summaries they may show. (People come from
# people.yaml, in every fingerprint: reading them reads no list.)
LISTS_HELD: dict[type, dict[str, tuple[str, ...]]] = {
    SiteView: {"posts": ("posts",), "pages": ("pages",), "threads": ("threads",),
               "upcoming": ("threads",), "recent_threads": ("threads",)},
    Tag: {"items": ("pages", "posts", "threads")},
}


class Renderer:
    """Renders the routes of one plan. Pure: the same route gives the same bytes."""

    def __init__(self, library: Library, plan: SitePlan, urls: Urls, themes: list[Theme],
                 bytecode_cache: jinja2.BytecodeCache | None = None,
                 comments: dict[Path, PageComments] | None = None,
                 environment: SiteEnvironment | None = None,
                 digests: AssetDigests | None = None):
        self.library = library
        self.plan = plan
        self.urls = urls
        self.comments = comments or {}
        config = library.config
        # An environment made earlier (see templates.preload), with the library's words, brings
        # its compiled templates.
        self.env = environment or make_environment(config, themes, bytecode_cache,
                                                   library.words)
        self.env.hold_lists(LISTS_HELD)
        self._template_folders = template_folders(self.env.loader)
        self._themes = themes
        self.env.hold_items(ITEMS_SHOWN)
        self.assets = AssetUrls(AssetDigests.of_plan(plan) if digests is None else digests,
                                urls.url)
        self.env.asset_urls = self.assets
        self.env.globals.update(
            site=SiteView(library, urls), url=urls.url, absolute_url=urls.absolute,
            link=self.link, asset=self.assets,
            hubgen={"version": __version__}, conversation=library.conversation,
            tags_of=library.tags_of, person=library.people.get,
            join_link=lambda thread: join_link(thread, library.words),
            avatar=self.avatar, scheduled=library.is_scheduled,
            index_url=self.index_url,
            image_url=self.image_url,
            comments_for=self.comments_for,
            cached_partial=self.cached_partial, card=self.card,
            comments_words=script_words(library.words),
        )
        self._embed_cache: dict[tuple[str, str], tuple[str, Reads]] = {}
        self._links: dict[int, tuple[Any, str]] = {}
        self._partials: dict[tuple[Any, ...], tuple[Markup, Reads]] = {}
        self._feed_memo: FeedMemo | None = None   # made with the first feed
        # card()'s latest answers, by the item's id and the arguments given
        self._cards: OrderedDict[tuple[Any, ...], tuple[Any, Markup, Reads]] = OrderedDict()
        self._site_wide_card: bool | None = None

    def cached_partial(self, name: str, *variants: Any, **context: Any) -> Markup:
        """A template rendered once per build for each set of `variants` (Hugo's partialCached).

        It sees the site's globals and `context`, never the page's variables: what it
        shows must depend only on the variants (the footer is the same on every page).
        The assets it links, and the site's lists it reads, count for every page that
        shows it.
        """
        key = (name, *variants)
        try:
            html, reads = self._partials[key]
        except KeyError:
            pass
        except TypeError:  # a variant that cannot be a key: render it every time
            return self._render_partial(name, context)[0]
        else:
            self._read_again(reads)
            return html
        rendered = self._render_partial(name, context)
        # An undefined variant (a field the item lacks) would make every such item one key.
        if not any(isinstance(v, jinja2.Undefined) for v in variants):
            self._partials[key] = rendered
        return rendered[0]

    @jinja2.pass_context
    def card(self, context: jinja2.runtime.Context, item: Any, **arguments: Any) -> Markup:
        """An item's card for a listing: partials/post-card.html's `post_card` macro,
        called with `item` and the arguments given.

        A post's card is the same on the home page, its tags' pages and its author's,
        so each worker keeps the latest ones (CARD_MEMO_SIZE) and makes a card again
        only when it was forgotten (listings come in the order of their newest items,
        see build.rendering). That holds while the card template reads nothing but the
        site's globals and its arguments; one that reads a page's variables is called
        as the page would import it, with the page's context, every time.
        """
        if not self._card_is_site_wide():
            template = context.environment.get_template(CARD_TEMPLATE)
            module = template.make_module(context.get_all(), True)
            return Markup(_post_card(template, module)(item, **arguments))
        try:
            key = (id(item), *sorted((name, type(value), value)
                                     for name, value in arguments.items()))
            known = self._cards.get(key)
        except TypeError:  # an argument that cannot be a key: make it every time
            key, known = None, None
        if known is not None and known[0] is item:
            self._cards.move_to_end(key)
            self._read_again(known[2])
            return known[1]
        html, reads = self._tracking_reads(lambda: self._render_card(item, arguments))
        if key is not None and not any(isinstance(v, jinja2.Undefined)
                                       for v in arguments.values()):
            self._cards[key] = (item, html, reads)
            if len(self._cards) > CARD_MEMO_SIZE:
                self._cards.popitem(last=False)
        return html

    def _render_card(self, item: Any, arguments: dict[str, Any]) -> Markup:
        template = self.env.get_template(CARD_TEMPLATE)
        return Markup(_post_card(template, template.module)(item, **arguments))

    def _card_is_site_wide(self) -> bool:
        """Whether the card template, and every template it imports or includes, reads
        nothing but the site's globals (and what its macros are given)."""
        if self._site_wide_card is None:
            self._site_wide_card = reads_only_globals(self.env, CARD_TEMPLATE)
        return self._site_wide_card

    def _render_partial(self, name: str, context: dict[str, Any]) -> tuple[Markup, Reads]:
        return self._tracking_reads(
            lambda: Markup(self.env.get_template(name).render(context)))

    def _tracking_reads(self, render: Callable[[], Made]) -> tuple[Made, Reads]:
        """What `render` makes, with the assets it linked and the site's lists it read
        (also counted for the page), for a memo to count again each time it answers."""
        page_assets = self.assets.used
        self.assets.used = set()
        try:
            made, lists = self.env.reading_apart(render)
        finally:
            assets = frozenset(self.assets.used)
            self.assets.used = page_assets
            page_assets |= assets
        return made, Reads(assets, lists)

    def _read_again(self, reads: Reads) -> None:
        self.assets.used |= reads.assets
        self.env.lists_read |= reads.lists

    @property
    def lists_read(self) -> frozenset[str]:
        """The site's lists (posts, pages, threads) the last route rendered read."""
        return frozenset(self.env.lists_read)

    def comments_for(self, item: Any) -> PageComments | None:
        """The comments under an item's page: from the site's settings and its own."""
        self.env.note_item(item)   # its `comments:` is no list's to show
        return self.comments.get(getattr(item, "source", None))

    def avatar(self, who: Person | Participant | None) -> str:
        """The avatar URL to show, or '' for an initials badge.

        A remote avatar is a request to a third party, so it is shown only when
        the config allows it (`avatars: {remote: true}`).
        """
        if who is None or not who.avatar or getattr(who, "withdrawn", False):
            return ""
        if who.avatar.startswith("/") and not who.avatar.startswith("//"):
            return self.urls.url(who.avatar)
        return who.avatar if self.library.config.avatars.remote else ""

    def index_url(self, kind: str) -> str:
        """The URL of the page listing every tag, thread or person: `index_url("tag")`.

        Raises TemplateMistake for any other kind: posts are listed on the home page,
        and pages on none (their permalink's folder would be a link to nothing)."""
        if kind not in INDEX_KINDS:
            names = {"tags": "tag", "threads": "thread", "people": "person",
                     "persons": "person"}
            written = str(kind).lower()
            close = names.get(written) or closest(written, INDEX_KINDS)
            hint = f"did you mean index_url('{close}')?" if close else \
                "the posts are listed on the home page: url('/')" \
                if written.startswith("post") else "write one of those"
            raise TemplateMistake(f"index_url({kind!r}): the kinds listed whole on a page of "
                                  "their own are 'tag', 'thread' and 'person'", hint)
        return self.urls.url(self.urls.index(kind))

    def image_url(self, document: Any) -> str:
        """The URL of a post's or page's `image:`, or '' when it has none (never the
        site's root, which an `<img src>` would fetch as a page)."""
        if not getattr(document, "image", ""):
            return ""
        return self.urls.url(self.urls.image(document))

    def link(self, target: Any) -> str:
        """The URL of a Document, Tag or Person, or of a site path."""
        # The library's items live as long as the build: a page links the same ones
        # many times (cards, tags, navigation), so each URL is made once.
        if isinstance(target, str):
            return self.urls.url(target)
        known = self._links.get(id(target))
        if known is not None and known[0] is target:
            return known[1]
        link = self._link(target)
        self._links[id(target)] = (target, link)
        return link

    def _link(self, target: Any) -> str:
        if isinstance(target, Document):
            return self.urls.url(self.urls.document(target))
        if isinstance(target, Tag):
            return self.urls.url(self.urls.tag(target.slug))
        if isinstance(target, Person):
            return self.urls.url(self.urls.person(target))
        if isinstance(target, Thread):
            return self.urls.url(self.urls.thread(target))
        return self.urls.url(str(target))

    def render(self, route: Route) -> bytes:
        """The bytes of one route's file; raises RenderError for template problems.

        Which of the site's lists it read is then in `lists_read`."""
        self.env.lists_read = set()
        try:
            return self._render(route)
        except jinja2.TemplateNotFound as exc:
            raise RenderError(self._not_found(route, exc)) from None
        except UndecodableTemplate as exc:
            raise RenderError(exc.diagnostic) from None
        except jinja2.TemplateSyntaxError as exc:
            raise RenderError(Diagnostic(
                Path(exc.filename) if exc.filename else None, exc.lineno or 0, 1,
                f"template syntax error: {exc.message}",
                "check the {% %} and {{ }} tags around this line.")) from None
        except RenderError:   # a problem said already where it lies
            raise
        except Exception as exc:  # a template's own runtime error
            raise RenderError(self._runtime_error(route, exc)) from None

    def prepare(self, routes: list[Route]) -> None:
        """Load every module that rendering `routes` needs (feedgen, icalendar), and
        find out whether cards can be kept (see `card`).

        Called before workers are forked: they then start with them, and import
        nothing while another thread of this process may hold an import's lock.
        """
        kinds = {route.kind for route in routes}
        if "html" in kinds:
            self._card_is_site_wide()
        if "feed" in kinds:
            import hubgen.feeds
        if "ics" in kinds:
            import hubgen.events  # noqa: F401

    def _render(self, route: Route) -> bytes:
        if route.kind == "html":
            return self._render_html(route)
        if route.kind == "feed":
            from hubgen.feeds import FeedMemo, render_feed  # feedgen, lxml: only for a feed
            if self._feed_memo is None:
                self._feed_memo = FeedMemo()
            self._read_bodies(route.context.get("items"))
            return render_feed(route, self.library, self.urls, self.body_html, self._feed_memo)
        if route.kind == "alias":
            return render_redirect(route, self.urls, self.library.config.language,
                                   self.library.words)
        if route.kind == "ics":
            from hubgen.events import render_event  # icalendar loads only for an event
            return render_event(route.context["thread"], self.library, self.urls)
        if route.kind == "sitemap":
            return render_sitemap(self.plan, self.urls)
        if route.kind == "robots":
            return render_robots(self.urls)
        if route.kind == "static":
            assert route.source is not None
            return route.source.read_bytes()
        if route.kind == "hostfile":
            return render_host_file(route, self.library, self.plan, self.urls,
                                    self.comments.values())
        raise ValueError(f"unknown route kind {route.kind!r}")

    def body_html(self, document: Document) -> str:
        """A document's body with its embedded threads and messages filled in as cards."""
        if not document.embeds:
            return document.html
        return EMBED_PLACEHOLDER.sub(lambda m: self._embed(document, *embed_of(m)),
                                     document.html)

    def _read_bodies(self, items: Any) -> None:
        """Count, for a feed, the lists read by the embeds of the bodies it may show: its
        FeedMemo gives a body made for an earlier feed without making it again."""
        for item in items or ():
            if isinstance(item, Document) and item.embeds:
                self.body_html(item)   # each embed is memoized, and counts its reads again

    def _embed(self, document: Document, slug: str, message_id: str) -> str:
        key = (slug, message_id)
        known = self._embed_cache.get(key)
        if known is not None:
            self._read_again(known[1])
            return known[0]
        thread = next((t for t in self.library.threads if t.slug == slug), None)
        if thread is None:  # a draft thread: the Library checked that it exists
            self._embed_cache[key] = ("", Reads(frozenset(), frozenset()))
            return ""
        conversation = self.library.conversation(thread)
        node = conversation.find(message_id) if message_id else None
        # Never the whole thread in the message's place, but for an upcoming thread, whose
        # messages wait until it is live (the Library warned of it).
        if message_id and node is None and thread.status != "upcoming":
            raise RenderError(_lost_message(document, slug, message_id))
        template = self.env.get_template("partials/embed.html")
        html, reads = self._tracking_reads(lambda: template.render(
            thread=thread, conversation=conversation, node=node))
        self._embed_cache[key] = (html, reads)
        return html

    def _render_html(self, route: Route) -> bytes:
        context = dict(route.context)
        context["route"] = route
        context["meta"] = page_meta(route, self.library, self.urls)
        item = context.get("document") or context.get("thread")
        if isinstance(item, Document | Thread):
            context["tags"] = self.library.tags_of(item)
        if isinstance(item, Document):
            context["body"] = Markup(self.body_html(item))
        return self.env.get_template(route.template).render(context).encode("utf-8")

    def _not_found(self, route: Route, exc: jinja2.TemplateNotFound) -> Diagnostic:
        document = route.context.get("document")
        name = exc.name
        if isinstance(document, Document) and document.template and name == document.template:
            return Diagnostic(document.source, *document.position_of("template"),
                              f"unknown template '{name}'", self._template_hint(name))
        frame = _template_frame(self._template_folders)
        if frame is not None:     # named by an {% include %}, {% import %} or {% extends %}
            return Diagnostic(Path(frame.filename), frame.lineno or 0, 1,
                              f"unknown template '{name}'",
                              did_you_mean(name, self.env.list_templates(),
                                           f"add {name} to templates/, or fix the name.",
                                           then=f" Or add {name} to templates/."))
        return Diagnostic(None, 0, 0, f"unknown template '{name}'",
                          f"the theme has no {name} (needed for {route.path} and pages like "
                          f"it); add it to templates/ or check 'theme:' in hubgen.yaml.")

    def _template_hint(self, name: str) -> str:
        """What to do about front matter's `template:` naming no template."""
        known = [t for t in self.env.list_templates() if not t.startswith("!")]
        if f"{name}.html" in known:   # `template: landing` for templates/landing.html
            return f"write template: {name}.html (a template's whole file name)."
        close = closest(name, known, cutoff=0.8)
        if close is not None:
            return f"did you mean 'template: {close}'? Or put {name} in templates/."
        return f"put {name} in templates/, or remove 'template:' to use the theme's own."

    def _loop_hint(self, filename: str) -> str:
        """How the template `filename` builds on the one of its name that it replaces: a
        site's through `!theme/`, a theme's through its parent's name (its `!theme/`
        leads back to itself)."""
        filename = os.path.normpath(filename)
        for at, theme in enumerate(self._themes):
            folder = os.path.normpath(theme.templates)
            if filename.startswith(folder + os.sep):
                name = Path(os.path.relpath(filename, folder)).as_posix()
                # `!NAME/` looks in that theme alone: the nearest one below that has it.
                parent = next((below.name for below in self._themes[at + 1:]
                               if (below.templates / name).is_file()), None)
                if parent is None:
                    return "a theme's template cannot build on one of its own name that " \
                           "no theme below it has: give it another name, or include the " \
                           "part it needs."
                return f"a theme builds on its parent's template by the parent's name " \
                       f"(\"!theme/\" is the theme itself): write " \
                       f"{{% extends \"!{parent}/{name}\" %}}."
        name = Path(filename).name
        site = os.path.normpath(self.library.config.root / "templates")
        if filename.startswith(site + os.sep):
            name = Path(os.path.relpath(filename, site)).as_posix()
        return f"to build on the theme's template of the same name, write " \
               f"{{% extends \"!theme/{name}\" %}}."

    def _runtime_error(self, route: Route, exc: Exception) -> Diagnostic:
        frame = _template_frame(self._template_folders)
        if frame is None:
            return Diagnostic(None, 0, 0, f"error while rendering {route.path}: {exc!r}",
                              "this is likely a bug in hubgen; please report it.")
        if isinstance(exc, RecursionError):
            return Diagnostic(Path(frame.filename), frame.lineno or 0, 1,
                              "template error: templates or macros call each other "
                              "without end (a template that extends or includes itself?)",
                              self._loop_hint(frame.filename))
        hint = "check the variables and filters used on this line"
        message = str(exc)
        if isinstance(exc, TemplateMistake):
            hint = exc.hint.removesuffix(".")
        elif isinstance(exc, jinja2.UndefinedError):
            message = message.replace("hubgen.content.models.", "")
            missing = "for a value that may be missing, test it with {% if ... %} or " \
                "write ...|default('')"
            hint = f"did you mean '{exc.suggestion}'? Or, {missing}" \
                if isinstance(exc, UnknownField) and exc.suggestion \
                else f"check the spelling; {missing}"
        return Diagnostic(Path(frame.filename), frame.lineno or 0, 1,
                          f"template error: {message}",
                          f"{hint} (first seen while rendering {route.path}).")


def _post_card(template: jinja2.Template, module: Any) -> Callable[..., Any]:
    """The `post_card` macro of the card template's module; a RenderError at that
    template when it has none (a site's own post-card.html written as a plain partial)."""
    macro = getattr(module, "post_card", None)
    if macro is None:
        raise RenderError(Diagnostic(
            Path(template.filename) if template.filename else None, 1, 1,
            f"{CARD_TEMPLATE} has no post_card macro, which listings call through card()",
            "define {% macro post_card(doc, heading=2, show_image=true) %} … {% endmacro %} "
            "in it: listings call it for each post (the theme's own post-card.html shows one)."))
    return macro  # type: ignore[no-any-return]


def _lost_message(document: Document, slug: str, message_id: str) -> Diagnostic:
    """The error of an embed whose message the thread's page does not show."""
    embed = next((e for e in document.embeds if (e.slug, e.message) == (slug, message_id)),
                 None)
    line, column = (embed.line, embed.column) if embed else (0, 0)
    return Diagnostic(document.source, line, column,
                      f"the thread '{slug}' shows no message '{message_id}'",
                      "use the id of one of its messages.")


def _template_frame(folders: tuple[str, ...]) -> traceback.FrameSummary | None:
    """The innermost template line of the exception being handled, if any: a frame of
    a file under one of the template `folders`, whatever its name ends in."""
    # Jinja rewrites tracebacks so template frames carry the template file and line.
    for frame in reversed(traceback.extract_tb(sys.exc_info()[2])):
        filename = os.path.normpath(frame.filename)
        if any(filename.startswith(folder + os.sep) for folder in folders):
            return frame
    return None
