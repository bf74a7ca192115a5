// 幸运大转盘: plays the turn of a wheel the server has already drawn at rest on the chosen slot. Without this
// script, or with reduced motion, the wheel simply shows where it landed; the result is in words either way.
(function () {
  "use strict";
  var wheel = document.querySelector("svg[data-wheel][data-index]");
  if (!wheel) return;
  var disc = wheel.querySelector(".wheel-disc");
  var result = document.querySelector("[data-wheel-result]");
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (!disc || reduce) { wheel.setAttribute("data-landed", "1"); return; }
  // The words wait for the wheel: taken out of the live region now and put back when it stops, so that a
  // screen reader announces them at the moment a sighted member sees the wheel stop.
  var words = result ? Array.prototype.slice.call(result.childNodes) : [];
  words.forEach(function (node) { result.removeChild(node); });
  var landed = false;
  function land() {
    if (landed) return;
    landed = true;
    wheel.classList.remove("is-turning");
    words.forEach(function (node) { result.appendChild(node); });
    wheel.setAttribute("data-landed", "1");
  }
  disc.style.setProperty("--wheel-from", String(parseFloat(wheel.getAttribute("data-from")) || 0) + "deg");
  wheel.classList.add("is-turning");
  disc.addEventListener("animationend", land);
  disc.addEventListener("animationcancel", land);
  window.setTimeout(land, 6000);  // a tab in the background may never run the animation
  disc.classList.add("is-spinning");
})();
