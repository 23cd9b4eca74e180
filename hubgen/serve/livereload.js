// hubgen serve: reloads this page when a rebuild changed it, swaps stylesheets when only
// CSS changed, keeps the scroll position, and lets hidden tabs drop their connection.
(function () {
  var config = JSON.parse(document.currentScript.dataset.hubgen);
  var epoch = config.epoch;
  var source = null;
  var hideTimer = null;
  var scrollKey = "hubgen-scroll:" + location.pathname;

  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    var y = parseInt(saved, 10);
    var restore = function () { window.scrollTo(0, y); };
    if (document.readyState === "complete") restore(); else addEventListener("load", restore);
  }

  function here() {
    var path = decodeURIComponent(location.pathname);
    if (path.endsWith("/")) path += "index.html";
    return path.slice(config.base.length);
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

  function onChange(event) {
    var change = JSON.parse(event.data);
    epoch = change.epoch;
    if (change.errors_changed) return reload();
    if (change.css_only) return swapStylesheets();
    if (change.pages.indexOf(here()) !== -1) reload();
  }

  function connect() {
    if (source) return;
    source = new EventSource(config.base + "__hubgen/events?epoch=" + epoch);
    source.addEventListener("change", onChange);
  }

  function disconnect() {
    if (source) { source.close(); source = null; }
  }

  // A hidden tab lets go of its connection after a while; it catches up when shown again.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      hideTimer = setTimeout(disconnect, config.hiddenTimeout);
    } else {
      clearTimeout(hideTimer);
      connect();
    }
  });
  addEventListener("pagehide", disconnect);
  if (document.hidden) {
    // Opened in a background tab: it gets no visibilitychange until it is shown.
    hideTimer = setTimeout(disconnect, config.hiddenTimeout);
  }
  connect();
})();
