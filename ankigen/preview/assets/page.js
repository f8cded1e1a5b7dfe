// The preview page's controls: filter, night mode (Anki's .nightMode class on
// each card), phone width. No network, no libraries.
"use strict";
(function () {
  const body = document.body;
  const cards = Array.from(document.querySelectorAll("article.note"));
  const sections = Array.from(document.querySelectorAll("section.subdeck"));
  const shown = document.getElementById("shown");
  const total = cards.length;

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

  function filter() {
    const words = document.getElementById("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
    const correctedOnly = document.getElementById("corrected").getAttribute("aria-pressed") === "true";
    const changedOnly = document.getElementById("changed").getAttribute("aria-pressed") === "true";
    let count = 0;
    for (const note of cards) {
      const text = note.dataset.search;
      const match = words.every(function (w) { return text.includes(w); }) &&
        (!correctedOnly || note.classList.contains("corrected")) &&
        (!changedOnly || note.classList.contains("changed"));
      note.hidden = !match;
      if (match) count += 1;
    }
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
