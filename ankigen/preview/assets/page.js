// The preview page's controls: filter, night mode (Anki's .nightMode class on
// each card), phone width. No network, no libraries.
"use strict";
(function () {
  const body = document.body;
  const cards = Array.from(document.querySelectorAll("article.note"));
  const sections = Array.from(document.querySelectorAll("section.subdeck"));
  const shown = document.getElementById("shown");
  function cardCount(notes) {  // Anki's cards: one per side pair of a note
    return notes.reduce(function (sum, note) { return sum + Number(note.dataset.cards); }, 0);
  }
  const total = cardCount(cards);

  function eachCard(callback) {
    for (const host of document.querySelectorAll(".screen")) {
      const card = host.shadowRoot && host.shadowRoot.querySelector(".card");
      if (card) callback(card);
    }
  }

  function toggle(button, apply) {
    button.addEventListener("click", function () {
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
      apply(on);
    });
  }

  toggle(document.getElementById("night"), function (on) {
    body.classList.toggle("night", on);
    eachCard(function (card) { card.classList.toggle("nightMode", on); });
  });
  toggle(document.getElementById("phone"), function (on) {
    body.classList.toggle("phone", on);
  });

  // A term of Anki's search: "tag:x" (the tag x or one under it, x::…), "level:x",
  // "id:x", "type:x" (the whole value), or a word found anywhere; "*" matches any
  // run of characters, case is ignored, and "-" in front negates.
  function pattern(text, whole) {
    const body = text.split("*").map(function (part) {
      return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    }).join(".*");
    return new RegExp(whole ? "^(?:" + body + ")" + whole + "$" : body, "i");
  }

  function matcher(term) {
    const negated = term.length > 1 && term[0] === "-";
    if (negated) term = term.slice(1);
    const prefix = /^(tag|level|id|type):(.*)$/i.exec(term);
    let test;
    if (!prefix) {
      const words = pattern(term, "");
      test = function (note) { return words.test(note.dataset.search); };
    } else {
      const key = prefix[1].toLowerCase();
      if (key === "tag") {
        const tag = pattern(prefix[2], "(?:::.*)?");
        test = function (note) {
          return note.dataset.tags.split(" ").some(function (t) { return tag.test(t); });
        };
      } else {
        const value = pattern(prefix[2], "(?:)");
        test = function (note) { return value.test(note.dataset[key] || ""); };
      }
    }
    return negated ? function (note) { return !test(note); } : test;
  }

  function filter() {
    const terms = document.getElementById("filter").value.split(/\s+/).filter(Boolean);
    const tests = terms.map(matcher);
    const correctedOnly = document.getElementById("corrected").getAttribute("aria-pressed") === "true";
    const changedOnly = document.getElementById("changed").getAttribute("aria-pressed") === "true";
    for (const note of cards) {
      note.hidden = !(tests.every(function (test) { return test(note); }) &&
        (!correctedOnly || note.classList.contains("corrected")) &&
        (!changedOnly || note.classList.contains("changed")));
    }
    const count = cardCount(cards.filter(function (note) { return !note.hidden; }));
    for (const section of sections) {
      section.hidden = !section.querySelector("article.note:not([hidden])");
    }
    shown.textContent = count === total ? total + " cards" : count + " of " + total + " cards";
  }
  document.getElementById("filter").addEventListener("input", filter);
  toggle(document.getElementById("corrected"), filter);
  toggle(document.getElementById("changed"), filter);
  filter();
})();
