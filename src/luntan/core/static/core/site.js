// Luntan's only script besides htmx: keyboard sending and small conveniences. No inline script anywhere.
(function () {
  "use strict";
  // Ctrl+Enter (Cmd+Enter on a Mac) sends the form the member is typing in.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var target = event.target;
    if (!target || target.tagName !== "TEXTAREA") return;
    var form = target.closest("form[data-ctrl-enter]");
    if (!form) return;
    event.preventDefault();
    if (form.dataset.sending) return;  // one send per key press, however long it is held
    form.dataset.sending = "1";
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
  // A form sends once: a double click does not post twice (the server also replays duplicates).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = form.querySelector("button[type=submit]");
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
  });
})();
