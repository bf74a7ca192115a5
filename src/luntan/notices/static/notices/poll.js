// The header's unread count: htmx asks /notifications/count/ every few seconds (hx-trigger on the badge).
// Here only what htmx needs under the site's CSP, and a pause while the tab is hidden: a hidden page sends
// nothing, and asks once as soon as it is shown again.
(function () {
  "use strict";
  if (window.htmx) {
    // No eval, no injected <style> (the CSP refuses both); set before htmx starts (DOMContentLoaded).
    window.htmx.config.allowEval = false;
    window.htmx.config.allowScriptTags = false;
    window.htmx.config.includeIndicatorStyles = false;
  }
  document.addEventListener("htmx:confirm", function (event) {
    var target = event.target;
    if (document.hidden && target && target.hasAttribute && target.hasAttribute("data-poll")) {
      event.preventDefault();
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden || !window.htmx) return;
    var badge = document.getElementById("notice-count");
    if (badge) window.htmx.trigger(badge, "poll-now");
  });
})();
