// The proof of work of Luntan's forms (luntan.protection.challenge): find a number n such that
// SHA-256("<salt>:<n>") starts with <bits> zero bits, computed with the browser's own Web Crypto before the
// form is sent, and put it in the form's hidden answer. No third party; no inline script (strict CSP).
(function () {
  "use strict";
  var encoder = new TextEncoder();
  var BATCH = 512;  // digests asked for at once: Web Crypto answers each with a promise

  function startsWithZeroBits(buffer, bits) {
    var bytes = new Uint8Array(buffer);
    var i = 0;
    for (; bits >= 8; bits -= 8, i += 1) {
      if (bytes[i] !== 0) return false;
    }
    return bits === 0 || (bytes[i] >> (8 - bits)) === 0;
  }

  function solve(salt, bits) {
    var start = 0;
    function round() {
      var digests = [];
      for (var n = start; n < start + BATCH; n += 1) {
        digests.push(crypto.subtle.digest("SHA-256", encoder.encode(salt + ":" + n)));
      }
      return Promise.all(digests).then(function (found) {
        for (var k = 0; k < found.length; k += 1) {
          if (startsWithZeroBits(found[k], bits)) return start + k;
        }
        start += BATCH;
        return round();
      });
    }
    return round();
  }

  function setUp(box) {
    if (box.dataset.powStarted) return;
    box.dataset.powStarted = "1";
    var form = box.closest("form");
    var answer = box.querySelector("[data-pow-answer]");
    var status = box.querySelector("[data-pow-status]");
    if (!form || !answer) return;
    if (!window.crypto || !window.crypto.subtle) {
      if (status) status.textContent = box.dataset.powUnsupported || "";
      return;
    }
    var done = false;
    var waiting = false;
    form.addEventListener("submit", function (event) {
      if (done) return;
      event.preventDefault();  // sent as soon as the work is done
      waiting = true;
      if (status) status.textContent = box.dataset.powWaiting || "";
    });
    solve(box.dataset.powSalt, parseInt(box.dataset.powBits, 10)).then(function (n) {
      answer.value = String(n);
      done = true;
      box.dataset.powDone = "1";
      if (status) status.textContent = box.dataset.powFinished || "";
      if (waiting) form.submit();
    });
  }

  document.querySelectorAll("[data-pow]").forEach(setUp);
})();
