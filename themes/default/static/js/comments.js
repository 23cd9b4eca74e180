/*
 * hubgen comments: loads a page's comment embed (giscus, utterances, Disqus, Isso, Remark42,
 * Hyvor Talk) only when the site and the reader allow it, and shows Mastodon and Bluesky
 * replies as plain, safe DOM.
 *
 * - data-load="click" (the default): nothing third-party loads until the reader clicks "Load
 *   comments". "Remember my choice" stores one localStorage key, and only on that click.
 * - data-load="lazy": loads when the section nears the viewport; "eager": loads at once.
 * - Replies fetched from Mastodon or Bluesky are untrusted: they become elements made with
 *   createElement and textContent; a link survives only when it is http(s).
 *
 * Plain ES2017, no dependencies, no build step. Its only requests are the reply fetches of a
 * Mastodon or Bluesky section that the reader (or the site) chose to load.
 */
(function () {
  "use strict";

  const REL = "nofollow ugc noopener";
  const TIMEOUT_MS = 15000;
  const REASONS = [400, 401, 403, 404, 410, 429, 500, 502, 503, 504];

  // ------------------------------------------------------------------ words

  // What the script says, in English; a page in another language (or with words of its
  // own) gives its words in <script type="application/json" data-comments-words>.
  const WORDS = Object.assign({
    forgotten: "Done: next time, this site will ask before loading {name}.",
    failed: "The comments could not be loaded right now: a content blocker or the network may be stopping {name}. Try again later.",
    loading_replies: "Loading replies from {label}…",
    replies_loaded: {"one": "{count} reply loaded from {label}.", "other": "{count} replies loaded from {label}."},
    no_replies_on: "No replies yet on {label}.",
    reply_on: "Reply on {label}",
    no_replies: "No replies yet.",
    replies_hidden: {"one": "{count} reply is not shown: it was deleted, or a block hides it.", "other": "{count} replies are not shown: they were deleted, or a block hides them."},
    could_not_load: "The replies could not be loaded right now ({reason}).",
    you_can: " You can ",
    read_and_reply: "read them and reply on {label}",
    view_on: "View on {label}",
    someone: "Someone",
    the_comments: "the comments",
    the_comment_service: "the comment service",
    the_source: "the source",
    not_supported: "this kind of replies is not supported",
    went_wrong: "something went wrong",
    too_long: "the server took too long to answer",
    unreachable: "the server could not be reached",
    server_said: "the server said: {reason}",
    not_understood: "the server's answer was not understood",
    post_gone: "the post was deleted or is not visible",
    not_a_post: "the address is not a {label} post",
    error_status: "error {status}",
    status_400: "bad request",
    status_401: "not authorized",
    status_403: "forbidden",
    status_404: "not found",
    status_410: "gone",
    status_429: "too many requests",
    status_500: "internal error",
    status_502: "bad gateway",
    status_503: "unavailable",
    status_504: "gateway timeout"
  }, pageWords());

  function pageWords() {
    const blob = document.querySelector("script[data-comments-words]");
    if (!blob) return {};
    try {
      const data = JSON.parse(blob.textContent);
      return data && typeof data === "object" && !Array.isArray(data) ? data : {};
    } catch (error) {
      return {};
    }
  }

  /** The word `key` with its {names} filled in; `count` picks its plural form. */
  function say(key, values, count) {
    let word = Object.prototype.hasOwnProperty.call(WORDS, key) ? WORDS[key] : key;
    if (word && typeof word === "object") {
      let form = "other";
      try {
        form = new Intl.PluralRules(document.documentElement.lang || undefined).select(count);
      } catch (error) { /* an unknown language: "other" */ }
      word = Object.prototype.hasOwnProperty.call(word, form) ? word[form] : word.other;
    }
    values = Object.assign({ count: count }, values);
    return String(word === undefined ? key : word).replace(/\{(\w+)\}/g, (whole, name) =>
      Object.prototype.hasOwnProperty.call(values, name) && values[name] !== undefined
        ? String(values[name]) : whole);
  }

  // ------------------------------------------------------------------ small DOM helpers

  function el(name, className, text) {
    const node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** The absolute http(s) URL `value` names, normalised, or null. */
  function httpUrl(value) {
    try {
      const url = new URL(String(value));
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function link(href, text, className, rel) {
    const a = el("a", className, text);
    a.setAttribute("href", href);
    if (rel) a.setAttribute("rel", rel);
    return a;
  }

  function appendLines(parent, text) {
    String(text).split("\n").forEach((line, index) => {
      if (index > 0) parent.appendChild(el("br"));
      if (line) parent.appendChild(document.createTextNode(line));
    });
  }

  function timeElement(value) {
    const date = new Date(value);
    if (!value || isNaN(date.getTime())) return null;
    const time = el("time", "fediverse-reply__time", date.toLocaleString(document.documentElement.lang || undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"
    }));
    time.setAttribute("datetime", date.toISOString());
    return time;
  }

  const each = (list, callback) => Array.prototype.forEach.call(list, callback);

  // ------------------------------------------------------------------ storage (on a click only)

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (error) { /* storage disabled: the site simply asks again next time */ }
  }

  // ------------------------------------------------------------------ consent and activation

  function setUp(section) {
    const mode = section.getAttribute("data-load") || "click";
    const key = section.getAttribute("data-remember-key") ||
      "hubgen-comments:" + (section.getAttribute("data-provider") || "comments");
    const loadButton = section.querySelector("[data-comments-load]");
    const remember = section.querySelector("[data-comments-remember]");
    const forgetWrap = section.querySelector("[data-comments-forget-wrap]");
    const forgetButton = section.querySelector("[data-comments-forget]");
    const showForget = () => { if (forgetWrap) forgetWrap.hidden = false; };

    if (forgetButton) {
      forgetButton.addEventListener("click", () => {
        store(key, null);
        const name = section.getAttribute("data-provider-name") || say("the_comments");
        const done = el("span", "comments__forgotten", say("forgotten", { name: name }));
        done.setAttribute("role", "status");
        done.setAttribute("tabindex", "-1");
        forgetButton.hidden = true;  // and gone: a theme's .button style may outrank [hidden]
        forgetButton.parentNode.replaceChild(done, forgetButton);
        done.focus();
      });
    }

    if (mode === "eager") {
      activate(section);
    } else if (mode === "lazy") {
      whenNear(section, () => activate(section));
    } else if (stored(key) === "allow") {
      activate(section);
      showForget();
    } else if (loadButton) {
      const actions = section.querySelector("[data-comments-actions]");
      if (actions) actions.hidden = false;
      loadButton.addEventListener("click", () => {
        if (remember && remember.checked) {
          store(key, "allow");
          showForget();
        }
        activate(section);
        const target = section.querySelector("[data-comments-target]");
        if (target) {  // the button is gone now: keep keyboard focus where the comments are
          target.setAttribute("tabindex", "-1");
          target.focus({ preventScroll: true });
        }
      });
    }
  }

  function whenNear(section, callback) {
    if (!("IntersectionObserver" in window)) {
      callback();
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        callback();
      }
    }, { rootMargin: "600px 0px" });
    observer.observe(section);
  }

  function activate(section) {
    const template = section.querySelector("template[data-comments-embed]");
    const target = section.querySelector("[data-comments-target]");
    const notice = section.querySelector("[data-comments-notice]");
    if (section.getAttribute("data-loaded") === "true" || !template || !target) return;
    section.setAttribute("data-loaded", "true");
    if (notice) notice.hidden = true;

    const content = document.importNode(template.content, true);
    // A script cloned out of a <template> is not dependable (it may count as already started,
    // and it loses document order): re-create each one in its place, so an inline config
    // script runs before the loader that follows it, and loaders run in order.
    each(content.querySelectorAll("script"), (old) => {
      const script = document.createElement("script");
      each(old.attributes, (attribute) => script.setAttribute(attribute.name, attribute.value));
      if (old.hasAttribute("src") && !old.hasAttribute("async")) script.async = false;
      script.text = old.text;
      old.parentNode.replaceChild(script, old);
    });

    // A provider blocked (a content blocker, a company network) must not leave a bare heading,
    // whichever of its scripts fails: one of the embed's own or one it adds to the comments
    // later (an error does not bubble, but its capture passes the target), or a loader that
    // its inline script adds elsewhere as the embed starts (Disqus and Remark42 use <head>).
    const fail = () => failed(section, target);
    target.addEventListener("error", (event) => {
      if (event.target && event.target.localName === "script") fail();
    }, true);
    const before = new Set(Array.from(document.scripts));
    target.appendChild(content);
    each(document.scripts, (script) => {
      if (!before.has(script) && !target.contains(script)) script.addEventListener("error", fail);
    });
    each(target.querySelectorAll("[data-fediverse]"), showReplies);
  }

  function failed(section, target) {
    if (target.querySelector(".comments__failed")) return;
    const name = section.getAttribute("data-provider-name") || say("the_comment_service");
    const note = el("p", "comments__failed comments__notice", say("failed", { name: name }));
    note.setAttribute("role", "alert");  // the reader asked for them: say they are not coming
    target.prepend(note);
  }

  // ------------------------------------------------------------------ fediverse replies

  /** A reason to show the reader, e.g. "the server said: too many requests". */
  class Failure {
    constructor(reason) {
      this.reason = reason;
    }
  }

  async function showReplies(box) {
    const kind = box.getAttribute("data-fediverse");
    const platform = Object.prototype.hasOwnProperty.call(PLATFORMS, kind) ? PLATFORMS[kind] : null;
    const label = box.getAttribute("data-label") || (platform ? platform.label : say("the_source"));
    const post = box.getAttribute("data-post") || "";
    const original = platform ? platform.webUrl(post) : httpUrl(post);

    while (box.firstChild) box.removeChild(box.firstChild);
    const status = el("p", "fediverse-replies__status", say("loading_replies", { label: label }));
    status.setAttribute("role", "status");
    box.appendChild(status);
    box.setAttribute("aria-busy", "true");
    try {
      if (!platform) throw new Failure(say("not_supported"));
      const result = await platform.load(post, box.getAttribute("data-api") || "");
      // The live region stays, its words told (and hidden): a screen reader hears what came.
      const count = flattened(result.replies).length;
      status.textContent = count ? say("replies_loaded", { label: label }, count)
        : say("no_replies_on", { label: label });
      status.className = "fediverse-replies__status visually-hidden";
      if (original) {
        const action = el("p", "fediverse-replies__action");
        action.appendChild(link(original, say("reply_on", { label: label }), "button"));
        box.appendChild(action);
      }
      if (result.replies.length) box.appendChild(replyList(result.replies, label));
      else box.appendChild(el("p", "fediverse-replies__empty", say("no_replies")));
      if (result.hidden) {
        box.appendChild(el("p", "fediverse-replies__note",
          say("replies_hidden", {}, result.hidden)));
      }
    } catch (error) {
      const reason = error instanceof Failure ? error.reason : say("went_wrong");
      const message = el("p", "fediverse-replies__error", say("could_not_load", { reason: reason }));
      message.setAttribute("role", "alert");
      if (original) {
        message.appendChild(document.createTextNode(say("you_can")));
        message.appendChild(link(original, say("read_and_reply", { label: label })));
        message.appendChild(document.createTextNode("."));
      }
      status.remove();
      box.appendChild(message);
    } finally {
      box.removeAttribute("aria-busy");
    }
  }

  async function getJson(url) {
    const controller = window.AbortController ? new AbortController() : null;
    const timer = controller && setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      let response;
      try {
        response = await fetch(url, {
          credentials: "omit", headers: { Accept: "application/json" },
          signal: controller ? controller.signal : undefined
        });
      } catch (error) {
        throw new Failure(error && error.name === "AbortError"
          ? say("too_long") : say("unreachable"));
      }
      const data = await response.json().catch(() => undefined);
      if (response.status === 400 && data && data.error === "NotFound") {
        throw new Failure(say("server_said", { reason: say("status_404") }));  // Bluesky's answer for a gone post
      }
      if (!response.ok) {
        throw new Failure(say("server_said", {
          reason: REASONS.indexOf(response.status) >= 0 ? say("status_" + response.status)
            : say("error_status", { status: response.status })
        }));
      }
      if (!data || typeof data !== "object") {
        throw new Failure(say("not_understood"));
      }
      return data;
    } finally {
      clearTimeout(timer);
    }
  }

  const millis = (value) => new Date(value).getTime() || 0;

  // As on thread pages: replies nest six levels deep, and the rest of a longer chain
  // follows its reply one after the other (a chain of thousands would crash the tab).
  const NESTING = 6;

  /** A reply's replies and theirs, in order, none with children of its own. */
  function flattened(children) {
    const flat = [];
    const pending = children.slice().reverse();
    while (pending.length) {
      const item = pending.pop();
      flat.push(Object.assign({}, item, { children: [] }));
      for (let i = item.children.length - 1; i >= 0; i--) pending.push(item.children[i]);
    }
    return flat;
  }

  /** Replies (each {name, handle, date, url, content, children}) as nested lists, oldest first. */
  function replyList(replies, label, depth) {
    depth = depth || 0;
    const list = el("ol", "fediverse-list");
    replies.slice().sort((a, b) => millis(a.date) - millis(b.date)).forEach((item) => {
      const li = el("li", "fediverse-reply");
      const article = el("article", "fediverse-reply__body");
      const meta = el("p", "fediverse-reply__meta");
      meta.appendChild(el("strong", "fediverse-reply__name", item.name));
      if (item.handle) {
        meta.appendChild(document.createTextNode(" "));
        meta.appendChild(el("span", "fediverse-reply__handle", "@" + item.handle));
      }
      const when = timeElement(item.date);
      if (when) {
        meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(when);
      }
      article.appendChild(meta);
      const content = el("div", "fediverse-reply__content");
      content.appendChild(item.content);
      article.appendChild(content);
      const url = httpUrl(item.url);
      if (url) {
        const more = el("p", "fediverse-reply__link");
        more.appendChild(link(url, say("view_on", { label: label }), null, REL));
        article.appendChild(more);
      }
      li.appendChild(article);
      if (item.children.length) {
        li.appendChild(replyList(depth + 2 < NESTING ? item.children : flattened(item.children),
                                 label, depth + 1));
      }
      list.appendChild(li);
    });
    return list;
  }

  // ------------------------------------------------------------------ Mastodon

  const BLOCKS = ["blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre"];
  const DROPPED = ["script", "style", "template", "noscript", "title"];

  /** Mastodon's HTML rebuilt from an inert parse: text, <p>, <br> and http(s) <a> only. */
  function safeHtml(html) {
    const parsed = new DOMParser().parseFromString(String(html || ""), "text/html");
    const out = document.createDocumentFragment();
    copyAllowed(parsed.body, out);
    return out;
  }

  function copyAllowed(from, to) {
    each(from.childNodes, (node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        to.appendChild(document.createTextNode(node.data));
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      const name = node.localName;
      const href = name === "a" ? httpUrl(node.getAttribute("href")) : null;
      if (DROPPED.indexOf(name) >= 0) return;
      if (name === "p" || name === "br" || href) {
        const copy = document.createElement(name);
        if (href) {
          copy.setAttribute("href", href);
          copy.setAttribute("rel", REL);
        }
        copyAllowed(node, copy);
        to.appendChild(copy);
      } else {  // anything else is reduced to its text; a block keeps its line break
        copyAllowed(node, to);
        if (BLOCKS.indexOf(name) >= 0) to.appendChild(document.createElement("br"));
      }
    });
  }

  const MASTODON = {
    label: "Mastodon",
    webUrl: httpUrl,
    async load(post, api) {
      const url = httpUrl(post) && new URL(post);
      // Mastodon's two forms, GoToSocial's (/@user/statuses/ID) and Akkoma's (/notice/ID).
      const match = url && /^\/(?:@[^/]+(?:\/statuses)?|users\/[^/]+\/statuses|notice)\/([A-Za-z0-9]+)\/?$/
        .exec(url.pathname);
      const base = httpUrl(api || (url && url.origin));
      if (!match || !base) throw new Failure(say("not_a_post", { label: "Mastodon" }));
      const id = match[1];
      const data = await getJson(base.replace(/\/+$/, "") + "/api/v1/statuses/" + id +
        "/context");
      if (!Array.isArray(data.descendants)) {
        throw new Failure(say("not_understood"));
      }
      return { replies: mastodonTree(id, data.descendants), hidden: 0 };
    }
  };

  function mastodonTree(rootId, statuses) {
    const nodes = new Map();
    statuses.forEach((status) => {
      if (!status || typeof status !== "object" || status.id == null) return;
      const account = status.account || {};
      nodes.set(String(status.id), {
        parent: status.in_reply_to_id == null ? null : String(status.in_reply_to_id),
        name: account.display_name || account.username || account.acct || say("someone"),
        handle: account.acct || account.username || "",
        date: status.created_at,
        url: status.url || status.uri,
        content: mastodonContent(status),
        children: []
      });
    });
    const roots = [];
    nodes.forEach((node, id) => {
      // A reply whose parent is missing (deleted, hidden) stays, at the top level.
      const parent = node.parent !== rootId ? nodes.get(node.parent) : null;
      if (parent && !inCycle(nodes, id)) parent.children.push(node);
      else roots.push(node);
    });
    return roots;
  }

  function inCycle(nodes, id) {  // hostile data could make a reply its own ancestor
    let at = nodes.get(id).parent;
    for (let steps = 0; at !== null && nodes.has(at) && steps <= nodes.size; steps++) {
      if (at === id) return true;
      at = nodes.get(at).parent;
    }
    return false;
  }

  function mastodonContent(status) {
    const body = safeHtml(status.content);
    if (!status.spoiler_text) return body;
    const details = el("details", "fediverse-reply__warning");  // a content warning
    details.appendChild(el("summary", null, status.spoiler_text));
    details.appendChild(body);
    return details;
  }

  // ------------------------------------------------------------------ Bluesky

  const VIEW = "app.bsky.feed.defs#threadViewPost";
  const GONE = ["app.bsky.feed.defs#notFoundPost", "app.bsky.feed.defs#blockedPost"];
  const LINK = "app.bsky.richtext.facet#link";

  /** {authority, rkey} of a bsky.app post URL or an at:// post URI, or null. */
  function blueskyPost(post) {
    let match = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/?#]+)$/.exec(post);
    if (match) return { authority: match[1], rkey: match[2] };
    const url = httpUrl(post) && new URL(post);
    match = url && /^\/profile\/([^/]+)\/post\/([^/]+)\/?$/.exec(url.pathname);
    if (!match) return null;
    try {
      return { authority: decodeURIComponent(match[1]), rkey: decodeURIComponent(match[2]) };
    } catch (error) {
      return null;
    }
  }

  const segment = (text) => encodeURIComponent(text).replace(/%3A/gi, ":");  // DIDs keep ':'
  const profileUrl = (who, rkey) => "https://bsky.app/profile/" + segment(who) + "/post/" +
    segment(rkey);

  const BLUESKY = {
    label: "Bluesky",
    webUrl(post) {
      const parts = blueskyPost(post);
      return parts ? httpUrl(post) || profileUrl(parts.authority, parts.rkey) : null;
    },
    async load(post, api) {
      const parts = blueskyPost(post);
      const base = httpUrl(api || "https://public.api.bsky.app");
      if (!parts || !base) throw new Failure(say("not_a_post", { label: "Bluesky" }));
      const xrpc = base.replace(/\/+$/, "") + "/xrpc/";
      let did = parts.authority;
      if (did.indexOf("did:") !== 0) {
        const found = await getJson(xrpc + "com.atproto.identity.resolveHandle?handle=" +
          encodeURIComponent(did));
        if (typeof found.did !== "string" || found.did.indexOf("did:") !== 0) {
          throw new Failure(say("not_understood"));
        }
        did = found.did;
      }
      const uri = "at://" + did + "/app.bsky.feed.post/" + parts.rkey;
      const data = await getJson(xrpc + "app.bsky.feed.getPostThread?uri=" +
        encodeURIComponent(uri) + "&depth=10");
      const thread = data.thread;
      if (!thread || thread.$type !== VIEW) {
        throw new Failure(thread && GONE.indexOf(thread.$type) >= 0
          ? say("post_gone") : say("not_understood"));
      }
      const count = { hidden: 0 };
      return { replies: blueskyReplies(thread.replies, count, 0), hidden: count.hidden };
    }
  };

  function blueskyReplies(entries, count, depth) {
    if (!Array.isArray(entries) || depth > 50) return [];
    const replies = [];
    entries.forEach((entry) => {
      if (!entry || typeof entry !== "object") return;
      if (GONE.indexOf(entry.$type) >= 0) count.hidden += 1;
      if (entry.$type !== VIEW || !entry.post || typeof entry.post !== "object") return;
      const post = entry.post;
      const author = post.author || {};
      const record = post.record || {};
      const rkey = String(post.uri || "").split("/").pop();
      const who = author.handle && author.handle !== "handle.invalid" ? author.handle
        : author.did;
      replies.push({
        name: author.displayName || author.handle || say("someone"),
        handle: author.handle || "",
        date: record.createdAt || post.indexedAt,
        url: who && rkey ? profileUrl(who, rkey) : null,
        content: blueskyText(record),
        children: blueskyReplies(entry.replies, count, depth + 1)
      });
    });
    return replies;
  }

  /** A post's text with line breaks and its link facets (whose offsets count UTF-8 bytes). */
  function blueskyText(record) {
    const out = el("p");
    const bytes = new TextEncoder().encode(typeof record.text === "string" ? record.text : "");
    const decoder = new TextDecoder();
    const text = (start, end) => decoder.decode(bytes.subarray(start, end));
    const boundary = (at) => at === bytes.length || (bytes[at] & 0xc0) !== 0x80;
    const links = (Array.isArray(record.facets) ? record.facets : []).map((facet) => {
      const index = (facet && facet.index) || {};
      const features = facet && Array.isArray(facet.features) ? facet.features : [];
      const feature = features.find((f) => f && f.$type === LINK && httpUrl(f.uri));
      return feature && { start: index.byteStart, end: index.byteEnd, uri: httpUrl(feature.uri) };
    }).filter((facet) => facet && Number.isInteger(facet.start) &&
      Number.isInteger(facet.end) && facet.start >= 0 && facet.start < facet.end &&
      facet.end <= bytes.length && boundary(facet.start) && boundary(facet.end)
    ).sort((a, b) => a.start - b.start);

    let at = 0;
    links.forEach((facet) => {
      if (facet.start < at) return;  // overlapping facets: the first one wins
      appendLines(out, text(at, facet.start));
      out.appendChild(link(facet.uri, text(facet.start, facet.end), null, REL));
      at = facet.end;
    });
    appendLines(out, text(at, bytes.length));
    return out;
  }

  const PLATFORMS = { mastodon: MASTODON, bluesky: BLUESKY };

  // ------------------------------------------------------------------ start

  function start() {
    each(document.querySelectorAll("[data-hubgen-comments]"), (section) => {
      try {
        setUp(section);
      } catch (error) { /* one broken section never stops the others */ }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
