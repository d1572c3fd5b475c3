/*
 * The share box under a story (theme/shared/partials/share.html): its two buttons. "Copy link" is shown where
 * the browser lets a page write to the clipboard, "Share…" where it has a share sheet (navigator.share, most
 * phones); elsewhere they stay hidden and the plain links beside them are all there is. Nothing is loaded from
 * anywhere and nothing is sent: the links go to each network only when the reader follows one.
 */
(function () {
  "use strict";

  function setUp(box) {
    var url = box.getAttribute("data-url") || location.href;
    var title = box.getAttribute("data-title") || document.title;
    var text = box.getAttribute("data-text") || "";
    var status = box.querySelector(".em-share__status");

    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }

    function show(button) {
      button.closest(".em-share__item").hidden = false;
    }

    var copy = box.querySelector("[data-em-share-copy]");
    if (copy && navigator.clipboard && window.isSecureContext) {
      show(copy);
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(function () {
          say("Link copied.");
        }, function () {
          say("The link could not be copied: " + url);
        });
      });
    }

    var native = box.querySelector("[data-em-share-native]");
    if (native && typeof navigator.share === "function") {
      show(native);
      native.addEventListener("click", function () {
        navigator.share({ title: title, text: text, url: url }).catch(function () {
          // Closed by the reader, or not allowed here: the links beside it still work.
        });
      });
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-em-share]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
