// The editor toolbar over post boxes (markup/_editor.html): writes BBCode or Markdown into the textarea,
// following the form's "format" field. Without this script the toolbar stays hidden and the textarea works.
(function () {
  "use strict";
  var URL_RE = /^https?:\/\/\S+$/i;
  var SIMPLE = {
    bbcode: { bold: ["[b]", "[/b]"], italic: ["[i]", "[/i]"], underline: ["[u]", "[/u]"] },
    markdown: { bold: ["**", "**"], italic: ["*", "*"] }
  };
  var KEYS = { b: "bold", i: "italic", u: "underline", k: "link" };

  function textareaOf(bar) { return document.getElementById(bar.dataset.editor); }
  function formatOf(bar) {
    var ta = textareaOf(bar);
    var field = ta && ta.form ? ta.form.elements.namedItem("format") : null;
    return field && field.value === "markdown" ? "markdown" : "bbcode";
  }
  function barOf(textarea) {
    return textarea.id ? document.querySelector('.ed-bar[data-editor="' + textarea.id + '"]') : null;
  }

  // Replaces [start, end) with text and selects [start + from, start + to); kept in the undo history.
  function put(ta, start, end, text, from, to) {
    ta.focus();
    ta.setSelectionRange(start, end);
    var done = false;
    try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done) {
      ta.setRangeText(text, start, end, "end");
      ta.dispatchEvent(new Event("input", { bubbles: true }));
    }
    ta.setSelectionRange(start + from, start + to);
  }

  // Wraps the selection in open/close, or unwraps it if it is wrapped already; with no selection a
  // placeholder is put in and selected, so typing replaces it.
  function wrap(ta, open, close, placeholder) {
    var s = ta.selectionStart, e = ta.selectionEnd, v = ta.value;
    // "**word **" is not bold in Markdown: spaces at the selection's ends stay outside the markup.
    while (s < e && /\s/.test(v.charAt(s))) s++;
    while (e > s && /\s/.test(v.charAt(e - 1))) e--;
    var sel = v.slice(s, e);
    if (sel && v.slice(s - open.length, s) === open && v.slice(e, e + close.length) === close) {
      put(ta, s - open.length, e + close.length, sel, 0, sel.length);
      return;
    }
    var inner = sel || placeholder;
    put(ta, s, e, open + inner + close, open.length, open.length + inner.length);
  }

  // Block syntax starts and ends on a line of its own.
  function block(ta, before, inner, after, placeholder) {
    var s = ta.selectionStart, e = ta.selectionEnd, v = ta.value;
    var lead = s > 0 && v.charAt(s - 1) !== "\n" ? "\n" : "";
    var tail = e < v.length && v.charAt(e) !== "\n" ? "\n" : "";
    var body = inner || placeholder;
    var text = lead + before + body + after + tail;
    var from = lead.length + before.length;
    put(ta, s, e, text, from, from + body.length);
  }

  function lines(text, prefix) {
    return text.split("\n").map(function (line) { return prefix + line; }).join("\n");
  }

  function apply(bar, cmd, value) {
    var ta = textareaOf(bar);
    if (!ta) return;
    var fmt = formatOf(bar), d = bar.dataset;
    var sel = ta.value.slice(ta.selectionStart, ta.selectionEnd);
    var pair = SIMPLE[fmt][cmd];
    if (pair) { wrap(ta, pair[0], pair[1], d.text); return; }
    if (fmt === "bbcode") {
      if (cmd === "color" || cmd === "size") { wrap(ta, "[" + cmd + "=" + value + "]", "[/" + cmd + "]", d.text); return; }
      if (cmd === "align") { wrap(ta, "[align=" + value + "]", "[/align]", d.text); return; }
      if (cmd === "quote") { wrap(ta, "[quote]", "[/quote]", d.text); return; }
      if (cmd === "code") { wrap(ta, "[code]", "[/code]", d.text); return; }
      if (cmd === "list") {
        var items = sel ? sel.split("\n").map(function (l) { return "[*]" + l; }).join("\n") : "";
        if (sel) { block(ta, "[list]\n", items, "\n[/list]", ""); } else { block(ta, "[list]\n[*]", "", "\n[/list]", d.item); }
        return;
      }
      if (cmd === "link") {
        if (URL_RE.test(sel)) { wrap(ta, "[url]", "[/url]", ""); return; }
        insertAddress(ta, "[url=", "]" + (sel || d.linkText) + "[/url]");
        return;
      }
      if (cmd === "image") {
        if (URL_RE.test(sel)) { wrap(ta, "[img]", "[/img]", ""); return; }
        insertAddress(ta, sel + "[img]", "[/img]");  // BBCode images have no alt text: the words stay
        return;
      }
    } else {
      if (cmd === "quote") { if (sel) block(ta, "", lines(sel, "> "), "", ""); else block(ta, "> ", "", "", d.text); return; }
      if (cmd === "code") { block(ta, "```\n", sel, "\n```", d.text); return; }
      if (cmd === "list") { if (sel) block(ta, "", lines(sel, "- "), "", ""); else block(ta, "- ", "", "", d.item); return; }
      if (cmd === "link") {
        if (URL_RE.test(sel)) { putTextBefore(ta, "[", "](" + sel + ")", d.linkText); return; }
        insertAddress(ta, "[" + (sel || d.linkText) + "](", ")");
        return;
      }
      if (cmd === "image") {
        if (URL_RE.test(sel)) { putTextBefore(ta, "![", "](" + sel + ")", d.imageText); return; }
        insertAddress(ta, "![" + (sel || d.imageText) + "](", ")");
        return;
      }
    }
    if (cmd === "upload") {
      var input = bar.querySelector(".ed-file");
      if (input) input.click();
      return;
    }
    if (cmd === "smiley") {
      var end = ta.selectionEnd;
      var code = ":" + value + ":";
      put(ta, end, end, code, code.length, code.length);
    }
  }

  // head + "https://" + tail, with the address selected for the member to type or paste over.
  function insertAddress(ta, head, tail) {
    var s = ta.selectionStart, e = ta.selectionEnd, address = "https://";
    put(ta, s, e, head + address + tail, head.length, head.length + address.length);
  }
  // The selected address stays; a text placeholder goes in front of it, selected.
  function putTextBefore(ta, head, tail, placeholder) {
    put(ta, ta.selectionStart, ta.selectionEnd, head + placeholder + tail, head.length, head.length + placeholder.length);
  }

  function isOff(button, bar) {
    return button.dataset.only === "bbcode" && formatOf(bar) !== "bbcode";
  }

  // BBCode-only buttons stay in the tab order but say they are off in Markdown.
  function refresh(bar) {
    var markdown = formatOf(bar) !== "bbcode";
    bar.querySelectorAll("[data-only=bbcode]").forEach(function (b) {
      if (!b.dataset.title) b.dataset.title = b.title;
      if (markdown) { b.setAttribute("aria-disabled", "true"); b.title = b.dataset.title + " — " + bar.dataset.bbcodeOnly; }
      else { b.removeAttribute("aria-disabled"); b.title = b.dataset.title; }
    });
  }

  function topButtons(bar) { return Array.prototype.slice.call(bar.querySelectorAll(":scope > button, :scope > .ed-pop > button")); }

  function rove(bar, target) {
    topButtons(bar).forEach(function (b) { b.tabIndex = b === target ? 0 : -1; });
    target.focus();
  }

  function closeMenus(except) {
    document.querySelectorAll(".ed-bar [data-pop][aria-expanded=true]").forEach(function (opener) {
      if (opener === except) return;
      opener.setAttribute("aria-expanded", "false");
      var menu = document.getElementById(opener.dataset.pop);
      if (menu) menu.hidden = true;
    });
  }

  function openMenu(opener) {
    closeMenus(opener);
    var menu = document.getElementById(opener.dataset.pop);
    opener.setAttribute("aria-expanded", "true");
    menu.hidden = false;
    var first = menu.querySelector("button");
    if (first) first.focus();
  }

  function init(root) {
    (root || document).querySelectorAll(".ed-bar[hidden]").forEach(function (bar) {
      var buttons = topButtons(bar);
      if (buttons.length) buttons[0].tabIndex = 0;
      var ta = textareaOf(bar);
      var field = ta && ta.form ? ta.form.elements.namedItem("format") : null;
      if (field && field.addEventListener) field.addEventListener("change", function () { refresh(bar); closeMenus(null); });
      refresh(bar);
      bar.hidden = false;
      takeOverPlainFiles(bar);
    });
  }

  // The post form's plain file field (forum/post_form.html) is for browsers without this script: here the
  // editor uploads each file itself, so the field is emptied, left out of the form (a file is never sent
  // twice) and hidden. Files chosen before the script ran go up now, like files from the 上传 button.
  function takeOverPlainFiles(bar) {
    var ta = textareaOf(bar);
    var box = ta && ta.form && bar.dataset.upload ? ta.form.querySelector("[data-plain-files]") : null;
    var input = box ? box.querySelector("input[type=file]") : null;
    if (!input) return;
    var chosen = input.files ? Array.prototype.slice.call(input.files) : [];
    input.value = "";
    input.disabled = true;
    box.hidden = !box.querySelector("[role=alert]");  // a refusal shown with the form stays in sight
    if (chosen.length) uploadAll(bar, chosen);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".ed-bar button") : null;
    if (!button) { if (!(event.target.closest && event.target.closest(".ed-menu"))) closeMenus(null); return; }
    var bar = button.closest(".ed-bar");
    if (isOff(button, bar)) return;
    if (button.dataset.pop) {
      if (button.getAttribute("aria-expanded") === "true") closeMenus(null); else openMenu(button);
      return;
    }
    closeMenus(null);
    apply(bar, button.dataset.cmd, button.dataset.value);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Shortcuts in a post box that has a toolbar (Ctrl+Enter is site.js's).
    if (target.tagName === "TEXTAREA" && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
      var cmd = KEYS[(event.key || "").toLowerCase()];
      var bar = cmd ? barOf(target) : null;
      if (!bar || bar.hidden) return;
      var button = bar.querySelector('[data-cmd="' + cmd + '"]');
      if (!button || isOff(button, bar)) return;
      event.preventDefault();
      apply(bar, cmd);
      return;
    }
    var inBar = target.closest ? target.closest(".ed-bar") : null;
    if (!inBar) return;
    var menu = target.closest(".ed-menu");
    var key = event.key || "";
    if (menu) {
      var items = Array.prototype.slice.call(menu.querySelectorAll("button"));
      var i = items.indexOf(target);
      var opener = inBar.querySelector('[data-pop="' + menu.id + '"]');
      if (key === "Escape" || key === "Tab") {
        closeMenus(null);
        if (key === "Escape") { event.preventDefault(); opener.focus(); }
        return;
      }
      var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[key];
      if (step) { event.preventDefault(); items[(i + step + items.length) % items.length].focus(); }
      else if (key === "Home") { event.preventDefault(); items[0].focus(); }
      else if (key === "End") { event.preventDefault(); items[items.length - 1].focus(); }
      return;
    }
    var tops = topButtons(inBar);
    var at = tops.indexOf(target);
    if (at < 0) return;
    var move = { ArrowRight: 1, ArrowLeft: -1 }[key];
    if (move) { event.preventDefault(); closeMenus(null); rove(inBar, tops[(at + move + tops.length) % tops.length]); }
    else if (key === "Home") { event.preventDefault(); closeMenus(null); rove(inBar, tops[0]); }
    else if (key === "End") { event.preventDefault(); closeMenus(null); rove(inBar, tops[tops.length - 1]); }
    else if (key === "ArrowDown" && target.dataset.pop && !isOff(target, inBar)) { event.preventDefault(); openMenu(target); }
    else if (key === "Escape") { closeMenus(null); }
  });

  // A toolbar button that was used stays the toolbar's tab stop.
  document.addEventListener("focusin", function (event) {
    var bar = event.target.closest ? event.target.closest(".ed-bar") : null;
    if (bar && !event.target.closest(".ed-menu") && topButtons(bar).indexOf(event.target) >= 0) {
      topButtons(bar).forEach(function (b) { b.tabIndex = b === event.target ? 0 : -1; });
    }
  });

  // --- Uploads: the 上传 button, files dropped on or pasted into a post box (bar.dataset.upload is the address).
  function statusOf(bar) { return document.getElementById(bar.dataset.editor + "-status"); }
  function say(bar, text, isError, link) {
    var status = statusOf(bar);
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", !!isError);
    if (link) {
      var a = document.createElement("a");
      a.href = link; a.target = "_blank"; a.rel = "noopener"; a.textContent = bar.dataset.attachmentPage;
      status.appendChild(document.createTextNode(" · "));
      status.appendChild(a);
    }
  }
  function tokenOf(ta) {
    var field = ta.form ? ta.form.elements.namedItem("csrfmiddlewaretoken") : null;
    return field ? field.value : "";
  }
  function upload(bar, file) {
    var ta = textareaOf(bar);
    if (!ta || !bar.dataset.upload) return;
    var body = new FormData();
    body.append("file", file, file.name || "image.png");
    say(bar, bar.dataset.uploading + ": " + (file.name || "image.png") + " …", false);
    fetch(bar.dataset.upload, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": tokenOf(ta), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      var data = result.data || {};
      if (!result.ok || !data.bbcode) { say(bar, data.error || bar.dataset.uploadFailed, true); return; }
      var text = formatOf(bar) === "markdown" ? data.markdown : data.bbcode;
      var at = ta.selectionEnd, v = ta.value;
      var lead = at > 0 && v.charAt(at - 1) !== "\n" && data.kind === "image" ? "\n" : "";
      put(ta, at, at, lead + text, lead.length + text.length, lead.length + text.length);
      say(bar, bar.dataset.uploaded + ": " + data.name, false, data.kind === "file" ? data.page : null);
    }).catch(function () { say(bar, bar.dataset.uploadFailed, true); });
  }
  function uploadAll(bar, files) {
    for (var i = 0; i < files.length; i++) upload(bar, files[i]);
  }
  function uploadBar(ta) {
    var bar = ta && ta.tagName === "TEXTAREA" ? barOf(ta) : null;
    return bar && !bar.hidden && bar.dataset.upload ? bar : null;
  }
  function hasFiles(event) {
    var types = event.dataTransfer ? event.dataTransfer.types : null;
    return !!types && Array.prototype.indexOf.call(types, "Files") >= 0;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("ed-file")) return;
    var bar = input.closest(".ed-bar");
    if (bar && input.files) uploadAll(bar, input.files);
    input.value = "";
  });
  document.addEventListener("paste", function (event) {
    var bar = uploadBar(event.target);
    var files = event.clipboardData ? event.clipboardData.files : null;
    if (!bar || !files || !files.length) return;
    event.preventDefault();  // the picture goes up; no file name is pasted as text
    uploadAll(bar, files);
  });
  document.addEventListener("dragover", function (event) {
    if (!uploadBar(event.target) || !hasFiles(event)) return;
    event.preventDefault();
    event.target.classList.add("ed-dropping");
  });
  document.addEventListener("dragleave", function (event) {
    if (event.target.classList) event.target.classList.remove("ed-dropping");
  });
  document.addEventListener("drop", function (event) {
    var bar = uploadBar(event.target);
    if (!bar || !hasFiles(event)) return;
    event.preventDefault();
    event.target.classList.remove("ed-dropping");
    uploadAll(bar, event.dataTransfer.files);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
