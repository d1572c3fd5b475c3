/* The Submit form, better with JavaScript: each problem shown next to its field before anything is sent,
   character counters, one submission however often the button is pressed, and (with our receiver) the
   story sent as JSON so that the receiver's errors come back in place, without leaving the page.
   Without this script the form still works: the browser's own validation, a plain POST, and the receiver's
   page that shows the form again with its errors. The messages come from the page (data-messages), which
   takes them from the receiver's rules, so both say the same thing.
   On the thank-you page it shows the sender's reference (the submission's id, which they quote to have what
   they sent deleted), taken from the address's ?ref=: the receiver's redirect and this script put it there. */

(function () {
  "use strict";

  // A reference as the receiver makes them (extramile.intake.store.new_submission_id). Anything else in the
  // address is someone else's text, and is not shown at all.
  var REFERENCE = /^sub_[0-9a-f]{20}$/;

  (function showReference() {
    var box = document.getElementById("submission-reference");
    var slot = box && box.querySelector(".em-reference__id");
    if (!slot || !window.URLSearchParams) return;
    var reference = new URLSearchParams(window.location.search).get("ref");
    if (!reference || !REFERENCE.test(reference)) return;
    slot.textContent = reference;  // text, never markup
    box.hidden = false;
  })();

  var form = document.getElementById("story-form");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }

  var ORDER = ["title", "story", "month", "perspective", "business", "industry", "channel", "tags",
               "told_by", "email", "consent"];
  var messages = JSON.parse(form.getAttribute("data-messages") || "{}");
  var minStory = parseInt(form.getAttribute("data-min-story"), 10) || 0;
  var maxTags = parseInt(form.getAttribute("data-max-tags"), 10) || 5;
  var mode = form.getAttribute("data-script") || "native";
  var thanks = new URL(form.getAttribute("data-thanks"), document.baseURI).href;
  var button = form.querySelector("[type=submit]");
  var summary = document.getElementById("sf-summary");
  var status = document.getElementById("sf-status");
  var anonymous = byId("anonymous");
  var toldBy = byId("told_by");
  var busy = false;

  // The script shows its messages in place; the browser's bubbles would show one at a time.
  form.noValidate = true;

  function byId(name) {
    return document.getElementById("sf-" + name);
  }

  function text(name) {
    var control = form.elements.namedItem(name);
    return control && typeof control.value === "string" ? control.value.trim() : "";
  }

  function thisMonth() {
    var now = new Date();
    return now.getFullYear() + "-" + String(now.getMonth() + 1).padStart(2, "0");
  }

  function problems() {
    var found = {};
    var story = text("story");
    var month = text("month");
    var tags = form.querySelectorAll('input[name="tags"]:checked').length;
    var email = byId("email");
    if (!text("title")) found.title = messages.title;
    if (!story) found.story = messages.story;
    else if (story.length < minStory) found.story = messages.story_short + " (" + story.length + " so far)";
    if (!/^\d{4}-\d{2}$/.test(month)) found.month = messages.month;
    else if (month > thisMonth()) found.month = messages.month_future;
    if (!text("perspective")) found.perspective = messages.perspective;
    if (!text("business")) found.business = messages.business;
    if (!text("industry")) found.industry = messages.industry;
    if (!text("channel")) found.channel = messages.channel;
    if (!tags) found.tags = messages.tags;
    else if (tags > maxTags) found.tags = messages.tags_max;
    if (!anonymous.checked && !text("told_by")) found.told_by = messages.told_by;
    if (email.value.trim() && email.validity.typeMismatch) found.email = messages.email;
    if (!byId("consent").checked) found.consent = messages.consent;
    return found;
  }

  function setError(name, message) {
    var box = byId(name + "-error");
    if (!box) return false;
    box.textContent = message || "";
    var control = byId(name);
    if (control && control.tagName !== "FIELDSET") {
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
    return true;
  }

  function anchor(name) {
    var first = form.querySelector('[name="' + name + '"]');
    return first && first.id ? first.id : "sf-" + name;
  }

  function show(found, focus) {
    var names = ORDER.concat(Object.keys(found).filter(function (name) { return ORDER.indexOf(name) < 0; }));
    var list = document.createElement("ul");
    var count = 0;
    names.forEach(function (name) {
      var message = found[name];
      setError(name, message);
      if (!message) return;
      count += 1;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + anchor(name);
      link.textContent = message;
      item.appendChild(link);
      list.appendChild(item);
    });
    var title = summary.querySelector(".em-form__summary-title");
    title.textContent = count === 1 ? "There is a problem with the story"
                                    : "There are " + count + " problems with the story";
    summary.replaceChild(list, summary.querySelector("ul"));
    summary.hidden = count === 0;
    if (count && focus) summary.focus();
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("em-form__status--error", Boolean(isError));
  }

  function setBusy(on) {
    busy = on;
    button.setAttribute("aria-disabled", on ? "true" : "false");
  }

  // A field that shows a problem is checked again as it changes, so the message goes once it is fixed.
  function recheck(event) {
    var name = event.target.name;
    if (!name) return;
    var box = byId(name + "-error");
    if (box && box.textContent) setError(name, problems()[name]);
  }
  form.addEventListener("input", recheck);
  form.addEventListener("change", recheck);

  function followAnonymous() {
    toldBy.disabled = anonymous.checked;
    if (anonymous.checked) setError("told_by", "");
  }
  anonymous.addEventListener("change", followAnonymous);
  followAnonymous();

  ["title", "story"].forEach(function (name) {
    var control = byId(name);
    var limit = parseInt(control.getAttribute("maxlength"), 10);
    if (!limit) return;
    var counter = document.createElement("p");
    counter.className = "em-field__count";
    counter.id = "sf-" + name + "-count";
    control.parentNode.insertBefore(counter, byId(name + "-error"));
    function update() {
      var length = control.value.length;
      counter.textContent = length + " / " + limit + " characters";
      counter.classList.toggle("em-field__count--over", length >= limit);
    }
    control.addEventListener("input", update);
    update();
  });

  function payload() {
    var data = { tags: [] };
    new FormData(form).forEach(function (value, name) {
      if (name === "tags") data.tags.push(value);
      else data[name] = value;
    });
    data.anonymous = anonymous.checked;
    data.consent = byId("consent").checked;
    return data;
  }

  function fieldErrors(data) {
    // Our receiver answers {errors: {field: message}}; Formspree answers {errors: [{field, message}]}.
    if (!data || !data.errors) return null;
    if (!Array.isArray(data.errors)) return data.errors;
    var found = {};
    data.errors.forEach(function (error) {
      if (error.field && !found[error.field]) found[error.field] = error.message;
    });
    return Object.keys(found).length ? found : null;
  }

  async function send() {
    setBusy(true);
    say("Sending the story…");
    var headers = { Accept: "application/json" };
    var body;
    if (mode === "json") {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(payload());
    } else {
      body = new URLSearchParams(new FormData(form));
    }
    try {
      var response = await fetch(form.action, {
        method: "POST", headers: headers, body: body, credentials: "omit", mode: "cors"
      });
      var data = null;
      try { data = await response.json(); } catch (ignored) { data = null; }
      if (response.ok) {
        // Our receiver answers the story's id as its reference; the thank-you page shows it from ?ref=.
        var reference = data && (data.reference || data.id);
        var next = new URL(thanks);
        if (typeof reference === "string" && REFERENCE.test(reference)) {
          next.searchParams.set("ref", reference);
          say("The story was sent; its reference is " + reference + ". Taking you to the thank-you page…");
        } else {
          say("The story was sent. Taking you to the thank-you page…");
        }
        window.location.assign(next.href);
        return;  // stay busy: the page is leaving
      }
      var found = response.status === 422 || response.status === 400 ? fieldErrors(data) : null;
      if (found) {
        show(found, true);
        say("");
      } else {
        say((data && (data.message || data.error)) ||
            "The story could not be sent (error " + response.status + "). Wait a minute and try again.", true);
      }
    } catch (failure) {
      say("The story could not be sent: the connection failed. Everything you typed is still here; " +
          "check the connection and send it again.", true);
    }
    setBusy(false);
  }

  form.addEventListener("submit", function (event) {
    if (busy) {
      event.preventDefault();
      return;
    }
    var found = problems();
    show(found, true);
    if (Object.keys(found).length) {
      event.preventDefault();
      say("");
      return;
    }
    if (mode === "native") {
      setBusy(true);  // the browser posts once; a second click does nothing
      return;
    }
    event.preventDefault();
    send();
  });

  // Back to a form that was sent natively: it is usable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) setBusy(false);
  });
})();
