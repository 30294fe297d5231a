/* Queue pages: print the receipt once, and keep the display board live (polling the public board API) with an
   optional Vietnamese voice call-out. Everything works without this file: the receipt has a print button, the
   board refreshes itself every 10 seconds. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  onReady(function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    if (document.querySelector("[data-auto-print]")) window.setTimeout(function () { window.print(); }, 300);
    var board = document.querySelector("[data-board-url]");
    if (board) startBoard(board);
  });

  function text(tag, className, value) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    el.textContent = value;
    return el;
  }

  function startBoard(root) {
    var url = root.getAttribute("data-board-url");
    var phrase = root.getAttribute("data-phrase");
    var counterLabel = root.querySelector("[data-counter-label]").innerHTML.trim();
    var voiceButton = root.querySelector("[data-voice]");
    var clock = root.querySelector("[data-clock]");
    var voiceOn = false;
    var lastKey = null;

    function label(n) { return counterLabel.replace("{n}", n); }

    function tick() {
      var now = new Date();
      clock.textContent = now.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
    }
    tick();
    window.setInterval(tick, 10000);

    function vietnameseVoice() {
      var voices = window.speechSynthesis ? window.speechSynthesis.getVoices() : [];
      return voices.find(function (v) { return /^vi/i.test(v.lang); }) || null;
    }

    function speak(call) {
      if (!voiceOn || !window.speechSynthesis) return;
      // Spell the number out ("A 0 1 2") so the voice reads digits, not "twelve".
      var spoken = phrase.replace("{number}", call.number.split("").join(" ")).replace("{counter}", call.counter);
      var utterance = new SpeechSynthesisUtterance(spoken);
      utterance.lang = "vi-VN";
      var voice = vietnameseVoice();
      if (voice) utterance.voice = voice;
      utterance.rate = 0.9;
      window.speechSynthesis.speak(utterance);
    }

    voiceButton.addEventListener("click", function () {
      // Browsers speak only after a user gesture: this click is it.
      voiceOn = !voiceOn;
      voiceButton.setAttribute("aria-pressed", voiceOn ? "true" : "false");
      voiceButton.textContent = voiceButton.getAttribute(voiceOn ? "data-on" : "data-off");
      if (!voiceOn && window.speechSynthesis) window.speechSynthesis.cancel();
    });

    function render(data) {
      var counters = root.querySelector("[data-counters]");
      counters.replaceChildren.apply(counters, data.counters.map(function (c) {
        var li = text("li", "qb__counter" + (c.status === "called" ? " qb__counter--called" : ""), "");
        li.append(text("span", "qb__counter-no", label(c.number)), text("span", "qb__counter-name", c.name),
          text("span", "qb__counter-ticket", c.current || "—"));
        return li;
      }));
      var last = root.querySelector("[data-last-call]");
      if (data.last_call) {
        last.replaceChildren(text("span", "qb__last-number", data.last_call.number), " ",
          text("span", "qb__arrow", "→"), " " + label(data.last_call.counter));
      } else {
        last.textContent = "—";
      }
      var recent = root.querySelector("[data-recent]");
      recent.replaceChildren.apply(recent, data.recent.slice(1).map(function (call) {
        var li = document.createElement("li");
        li.append(text("span", "", call.number), text("span", "", label(call.counter)));
        return li;
      }));
      var waiting = root.querySelector("[data-waiting]");
      waiting.replaceChildren.apply(waiting, data.waiting.map(function (row) {
        var li = document.createElement("li");
        li.append(text("span", "qb__letter", row.group), " ", text("span", "qb__wname", row.name), " ",
          text("span", "qb__wcount", String(row.waiting)));
        return li;
      }));
      var call = data.last_call;
      var key = call ? call.number + "|" + call.counter + "|" + call.call_count + "|" + call.called_at : "";
      if (lastKey !== null && key && key !== lastKey) speak(call);
      lastKey = key;
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) render(data); })
        .catch(function () { /* the hall network blinks; the next poll repairs the screen */ })
        .finally(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  }
})();
