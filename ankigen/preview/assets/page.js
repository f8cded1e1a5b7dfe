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

  // A whole search, as Anki's Browser reads one: terms side by side must all match,
  // "or" (in any case) between them lets either match, and "(" ")" group them, "-("
  // negating the group. A parenthesis left open closes at the end, one that closes
  // nothing is ignored, and so is an "or" with nothing on one side (still being typed).
  function search(text) {
    const tokens = [];
    let open = 0;
    for (const token of text.match(/-?\(|\)|[^\s()]+/g) || []) {
      if (token === ")" && open === 0) continue;  // closes nothing
      open += token === ")" ? -1 : token.endsWith("(") ? 1 : 0;
      tokens.push(token);
    }
    let at = 0;
    function isOr() { return at < tokens.length && tokens[at].toLowerCase() === "or"; }
    function every(tests) {
      tests = tests.filter(Boolean);
      if (!tests.length) return null;  // nothing to test: everything matches
      return function (note) { return tests.every(function (test) { return test(note); }); };
    }
    function either() {  // and-groups joined by "or"
      const groups = [all()];
      while (isOr()) {
        at += 1;
        groups.push(all());
      }
      const tests = groups.filter(Boolean);
      if (!tests.length) return null;
      return function (note) { return tests.some(function (test) { return test(note); }); };
    }
    function all() {  // terms and groups side by side
      const tests = [];
      while (at < tokens.length && tokens[at] !== ")" && !isOr()) {
        const token = tokens[at];
        at += 1;
        if (token === "(" || token === "-(") {
          const inner = either();
          if (tokens[at] === ")") at += 1;
          if (inner) tests.push(token === "(" ? inner : function (note) { return !inner(note); });
        } else {
          tests.push(matcher(token));
        }
      }
      return every(tests);
    }
    return either() || function () { return true; };
  }

  function filter() {
    const matches = search(document.getElementById("filter").value);
    const correctedOnly = document.getElementById("corrected").getAttribute("aria-pressed") === "true";
    const changedOnly = document.getElementById("changed").getAttribute("aria-pressed") === "true";
    for (const note of cards) {
      note.hidden = !(matches(note) &&
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
