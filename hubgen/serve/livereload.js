// hubgen serve: reloads this page when a rebuild changed it or a file it shows, swaps
// stylesheets when only CSS changed, keeps the scroll position, and follows the site when
// its address moves.
//
// A browser keeps six connections to one server: one event stream per tab would leave
// none for the pages once six tabs are open. So one tab of the hub listens, holding a
// lock, and tells the others over a BroadcastChannel; when it closes, another takes over.
// Where locks are missing (a page served over plain http to another machine), each tab
// listens while it is shown, and catches up when it is shown again.
(function () {
  var config = JSON.parse(document.currentScript.dataset.hubgen);
  var epoch = config.epoch;
  var source = null;
  var scrollKey = "hubgen-scroll:" + location.pathname;
  var channelName = "hubgen-live-reload:" + location.host;
  var channel = "BroadcastChannel" in window ? new BroadcastChannel(channelName) : null;
  var shared = channel !== null && navigator.locks && navigator.locks.request;

  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    var y = parseInt(saved, 10);
    var restore = function () { window.scrollTo(0, y); };
    if (document.readyState === "complete") restore(); else addEventListener("load", restore);
  }

  // A path as the server names its files: decoded, as config.base is ('/our café/').
  function decoded(path) {
    try { return decodeURIComponent(path); } catch (error) { return path; }
  }

  function here() {
    var path = decoded(location.pathname);
    if (path.endsWith("/")) path += "index.html";
    return path.slice(config.base.length);
  }

  // Whether the page loaded one of these site files (an image, a script, a font…): its
  // own HTML may not have changed when a picture it shows was replaced.
  function uses(pages) {
    var loaded = performance.getEntriesByType("resource").map(function (entry) {
      return entry.name;
    });
    document.querySelectorAll("[src]").forEach(function (element) { loaded.push(element.src); });
    return loaded.some(function (address) {
      var url;
      try { url = new URL(address, location.href); } catch (error) { return false; }
      // Compared decoded: the browser writes a base path with a space or an accent
      // percent-encoded.
      var path = decoded(url.pathname);
      if (url.origin !== location.origin || path.indexOf(config.base) !== 0) return false;
      return pages.indexOf(path.slice(config.base.length)) !== -1;
    });
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function swapStylesheets() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("hubgen-reload", String(Date.now()));
      var fresh = link.cloneNode();
      fresh.href = url.toString();
      fresh.addEventListener("load", function () { link.remove(); });
      link.after(fresh);
    });
  }

  function apply(change) {
    if (change.epoch <= epoch) return;
    var missed = change.epoch !== epoch + 1;
    epoch = change.epoch;
    if (change.base && change.base !== config.base) {
      // The config's url moved the site: the same page at its new address.
      var page = here().replace(/index\.html$/, "");
      return location.assign(change.base + page + location.search + location.hash);
    }
    if (missed || change.errors_changed) return reload();
    if (change.css_only) return swapStylesheets();
    // The page asked for, or the file served for it (404.html when it has no page yet).
    if (change.pages.indexOf(here()) !== -1 || change.pages.indexOf(config.served) !== -1 ||
        uses(change.pages)) {
      reload();
    }
  }

  function listen(onEvent) {
    source = new EventSource(config.base + "__hubgen/events?epoch=" + epoch);
    source.addEventListener("change", function (event) { onEvent(JSON.parse(event.data)); });
  }

  function stopListening() {
    if (source) { source.close(); source = null; }
  }

  if (shared) {
    channel.addEventListener("message", function (event) { apply(event.data); });
    // Held until the page goes: the next tab waiting for it then listens in its place.
    navigator.locks.request(channelName, function () {
      listen(function (change) {
        channel.postMessage(change);
        apply(change);
      });
      return new Promise(function () {});
    });
    addEventListener("pagehide", function () { stopListening(); channel.close(); });
    return;
  }

  // Each tab on its own: a hidden one lets go of its connection at once.
  function connect() { if (!source) listen(apply); }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) stopListening(); else connect();
  });
  addEventListener("pagehide", stopListening);
  if (!document.hidden) connect();
})();
