// Probes the desktop test evaluates in Anki's own pages. Each is an async function
// that first waits until the page is done (Anki's queue of card updates, MathJax,
// images, fonts), then measures it; none changes what the learner sees.

async function settled() {
  if (typeof _queueAction === "function") {
    await new Promise((resolve) => _queueAction(resolve)); // Anki's own update queue
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  await Promise.all(
    Array.from(document.images, (img) =>
      img.complete ? null : new Promise((resolve) => {
        img.addEventListener("load", resolve);
        img.addEventListener("error", resolve);
      }),
    ),
  );
  await document.fonts.ready;
}

function describe(el) {
  const classes = el.classList.length ? "." + Array.from(el.classList).join(".") : "";
  const text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 50);
  return `<${el.tagName.toLowerCase()}${classes}> "${text}"`;
}

// --- colours (WCAG 2.1 relative luminance and contrast ratio) -----------------

function parseColor(text) {
  const m = text.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const [r, g, b, a] = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
  return [r, g, b, a === undefined ? 1 : a];
}

function over(top, bottom) {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
}

function background(el) {
  // The colour behind el: every background up the tree, composited down to the
  // first opaque one (the canvas is white when nothing is opaque).
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const color = parseColor(getComputedStyle(node).backgroundColor);
    if (color && color[3] > 0) {
      layers.push(color);
      if (color[3] >= 1) break;
    }
  }
  return layers.reduceRight((below, layer) => over(layer, below), [255, 255, 255, 1]);
}

function luminance([r, g, b]) {
  const c = [r, g, b].map((v) => {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

function contrast(fg, bg) {
  const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  return (l1 + 0.05) / (l2 + 0.05);
}

function visible(el) {
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return style.visibility !== "hidden" && style.display !== "none" && rect.width > 0 &&
    rect.height > 0 && !el.closest("mjx-assistive-mml");
}

function textContrast(root) {
  // Every element that shows text of its own (and generated text such as the card's
  // category line), with its colour and the effective background behind it.
  const checked = [];
  const low = [];
  for (const el of [root, ...root.querySelectorAll("*")]) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    const before = getComputedStyle(el, "::before");
    const generated = before.content && !["none", "normal", '""'].includes(before.content);
    if ((!own && !generated) || !visible(el)) continue;
    const bg = background(el);
    for (const style of own ? [getComputedStyle(el)] : [before]) {
      const fg = over(parseColor(style.color), bg);
      const ratio = contrast(fg, bg);
      checked.push(ratio);
      if (ratio < 4.5) low.push(`${describe(el)}: ${ratio.toFixed(2)}:1 (${style.color} on rgb(${bg.slice(0, 3).map(Math.round)}))`);
    }
  }
  return { checked: checked.length, low };
}

// --- widths -------------------------------------------------------------------

function scrolls(el) {
  return ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
}

function tooWide(root) {
  // Elements past the window's edge that are not inside a horizontal scroll box
  // which itself fits in the window.
  const width = document.documentElement.clientWidth;
  const fits = (rect) => rect.left >= -0.5 && rect.right <= width + 0.5;
  const wide = [];
  const reported = [];
  for (const el of root.querySelectorAll("*")) {
    if (!visible(el) || fits(el.getBoundingClientRect())) continue;
    if (reported.some((outer) => outer.contains(el))) continue; // the outermost says it
    let box = el.parentElement;
    while (box && box !== root.parentElement && !scrolls(box)) box = box.parentElement;
    if (box && scrolls(box) && fits(box.getBoundingClientRect())) continue;
    reported.push(el);
    wide.push(`${describe(el)} reaches ${Math.round(el.getBoundingClientRect().right)} px`);
  }
  return wide;
}

// --- the probes -----------------------------------------------------------------

async function probeCard() {
  await settled();
  const root = document.getElementById("qa");
  const text = root.cloneNode(true);
  text.querySelectorAll("pre, code").forEach((el) => el.remove());
  const rawTex = (text.textContent.match(/\\[([][^]{0,40}/g) || []);
  const images = Array.from(root.querySelectorAll("img"));
  return {
    innerWidth,
    width: document.documentElement.clientWidth,
    pageWidth: document.scrollingElement.scrollWidth,
    bodyClass: document.body.className,
    math: root.querySelectorAll("mjx-container").length,
    mathErrors: Array.from(root.querySelectorAll("mjx-merror"), (e) =>
      e.getAttribute("data-mjx-error") || e.textContent),
    rawTex,
    images: images.length,
    brokenImages: images.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src),
    tooWide: tooWide(root),
    contrast: textContrast(root),
  };
}

async function probeDescription() {
  await settled();
  const box = document.querySelector(".description");
  if (!box) return null;
  const breaks = [];
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.textContent.includes("\n") && !node.parentElement.closest("pre")) {
      breaks.push(JSON.stringify(node.textContent.slice(0, 60)));
    }
  }
  // Anki shows the description with `white-space: pre-wrap`: if the text's newlines
  // change its layout, the learner sees lines broken mid-sentence and blank lines.
  const asShown = box.getBoundingClientRect().height;
  box.style.whiteSpace = "normal";
  const asFlowed = box.getBoundingClientRect().height;
  box.style.whiteSpace = "";
  return {
    whiteSpace: getComputedStyle(box).whiteSpace,
    text: box.innerText,
    paragraphs: box.querySelectorAll("p").length,
    breaks,
    heights: [asShown, asFlowed],
    tooWide: tooWide(box),
    contrast: textContrast(box),
  };
}

function deckTree() {
  // The deck browser's rows, top to bottom: [indentation, name].
  return Array.from(document.querySelectorAll("tr.deck"), (row) => {
    const cell = row.querySelector("td.decktd");
    return [cell.textContent.match(/^\u00a0*/)[0].length, row.querySelector("a.deck").textContent];
  });
}
