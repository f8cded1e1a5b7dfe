// The preview page's controls: filter, night mode (Anki's .nightMode class on
// each card), phone width; and the notes, each rendered when it nears the
// viewport. No network, no libraries.
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
  let night = false;

  function eachCard(callback) {
    for (const host of document.querySelectorAll(".screen")) {
      const card = host.shadowRoot && host.shadowRoot.querySelector(".card");
      if (card) callback(card);
    }
  }

  // Each note's content waits in a data block (cards.py): its meta line and its
  // sides, in blocks of notes in page order. A block is parsed when a note of it
  // is first rendered.
  const blocks = Array.from(document.querySelectorAll("script.cards"));
  const place = new Map();  // note -> [block, position in it]
  let next = 0;
  blocks.forEach(function (block, index) {
    for (let at = 0; at < Number(block.dataset.notes); at += 1) {
      place.set(cards[next], [index, at]);
      next += 1;
    }
  });
  const parsed = [];
  function record(note) {
    const [index, at] = place.get(note);
    if (!parsed[index]) parsed[index] = JSON.parse(blocks[index].textContent);
    return parsed[index][at];
  }

  function element(name, className, text) {
    const made = document.createElement(name);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // A note's meta line and sides. Each side's HTML goes into the side's own
  // shadow root and nowhere else: the card's styles and elements never meet the
  // page's, as in Anki, and the page's policy lets nothing in it run.
  const rendered = new WeakSet();
  function render(note) {
    if (rendered.has(note)) return;
    rendered.add(note);
    const data = record(note);
    const meta = element("div", "meta");
    const id = element("a", "id", note.dataset.id);
    id.href = "#" + note.id;
    meta.append(id, element("span", "", data.meta));
    if (note.classList.contains("corrected")) meta.append(element("span", "badge", "Correction"));
    if (data.changed) meta.append(element("span", "changed", "Changed " + data.changed));
    const tags = element("ul", "tags");
    for (const tag of data.tags) tags.append(element("li", "", tag));
    meta.append(tags);
    const sides = element("div", "sides");
    for (const [caption, html] of data.sides) {
      const screen = element("div", "screen");
      const side = element("figure", "side");
      side.append(element("figcaption", "", caption), screen);
      sides.append(side);
      const root = screen.attachShadow({ mode: "open" });
      root.innerHTML = html;
      const card = root.querySelector(".card");
      if (card) card.classList.toggle("nightMode", night);
    }
    note.append(meta, sides);
  }

  // The notes within a screen's height of the viewport are rendered, before they
  // show: looked for on every frame that scrolls or changes what is shown. The
  // notes the filter shows lie one under the other, so a binary search finds the
  // first of them, whatever the number of notes.
  let showing = cards;  // the notes the filter shows
  let pending = false;
  function renderNear() {
    const margin = innerHeight;
    let low = 0;
    let high = showing.length;
    while (low < high) {  // the first note that ends below the margin above
      const middle = (low + high) >> 1;
      if (showing[middle].getBoundingClientRect().bottom < -margin) low = middle + 1;
      else high = middle;
    }
    const near = [];
    let anchor = null;  // the note at the top of the screen, where it is
    let top = 0;
    for (let at = low; at < showing.length; at += 1) {
      const box = showing[at].getBoundingClientRect();
      if (box.top > innerHeight + margin) break;
      if (!anchor && box.bottom > 0) [anchor, top] = [showing[at], box.top];
      if (!rendered.has(showing[at])) near.push(showing[at]);
    }
    if (!near.length) return;
    near.forEach(render);
    // Notes rendered above it have their own heights now, not a guess: the screen
    // keeps showing what it showed (the browser's scroll anchoring does not always).
    const moved = anchor ? anchor.getBoundingClientRect().top - top : 0;
    if (moved) scrollBy(0, moved);
    later();  // look again, with those heights
  }
  function later() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      renderNear();
    });
  }
  addEventListener("scroll", later, { passive: true });
  addEventListener("resize", later);

  function toggle(button, apply) {
    button.addEventListener("click", function () {
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
      apply(on);
    });
  }

  toggle(document.getElementById("night"), function (on) {
    night = on;
    body.classList.toggle("night", on);
    eachCard(function (card) { card.classList.toggle("nightMode", on); });
  });
  toggle(document.getElementById("phone"), function (on) {
    body.classList.toggle("phone", on);
    later();
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
    showing = cards.filter(function (note) { return !note.hidden; });
    const count = cardCount(showing);
    for (const section of sections) {
      section.hidden = !section.querySelector("article.note:not([hidden])");
    }
    shown.textContent = count === total ? total + " cards" : count + " of " + total + " cards";
    later();
  }
  document.getElementById("filter").addEventListener("input", filter);
  toggle(document.getElementById("corrected"), filter);
  toggle(document.getElementById("changed"), filter);
  filter();

  // The notes in view are rendered before the first frame; for printing, every
  // note the filter shows.
  renderNear();
  addEventListener("beforeprint", function () { showing.forEach(render); });
})();
