// The marking screen: page viewer, keys, live total, and drafts kept in this browser.
"use strict";
(function () {
  const work = document.querySelector(".work");
  if (!work) return;
  const code = work.dataset.work;
  const form = document.getElementById("marks-form");
  const release = document.getElementById("release-form");
  const images = Array.from(work.querySelectorAll("img[data-page]"));
  const pageIndex = work.querySelector("[data-role=page-index]");
  const fields = Array.from(form.querySelectorAll("input[name^=task-]"));
  const total = document.getElementById("total");
  const keys = document.getElementById("keys");
  const draftKey = "olymp.marking.draft." + code;
  let current = 0, zoom = 1, rotation = 0;

  function show(index) {
    if (!images.length) return;
    current = Math.max(0, Math.min(images.length - 1, index));
    images.forEach((img, i) => { img.hidden = i !== current; });
    pageIndex.textContent = String(current + 1);
    apply();
  }
  function apply() {
    images.forEach((img) => {
      img.style.transform = "rotate(" + rotation + "deg) scale(" + zoom + ")";
    });
  }
  function setZoom(value) { zoom = Math.max(0.25, Math.min(4, value)); apply(); }
  function rotate() { rotation = (rotation + 90) % 360; apply(); }

  function parse(text) {
    const cleaned = text.trim().replace(",", ".");
    if (cleaned === "" || !/^\d+(\.\d+)?$/.test(cleaned)) return null;
    return Number(cleaned);
  }
  function recount() {
    let sum = 0;
    fields.forEach((f) => { const v = parse(f.value); if (v !== null) sum += v; });
    total.textContent = String(Math.round(sum * 100) / 100).replace(".", ",");
  }
  function saveDraft() {
    const values = {};
    fields.forEach((f) => { values[f.name] = f.value; });
    try { sessionStorage.setItem(draftKey, JSON.stringify(values)); } catch (e) { /* private mode */ }
  }
  function restoreDraft() {
    // drafts of other works were saved already (or given back): only this work's is kept
    try {
      for (let i = sessionStorage.length - 1; i >= 0; i--) {
        const key = sessionStorage.key(i);
        if (key && key.startsWith("olymp.marking.draft.") && key !== draftKey) sessionStorage.removeItem(key);
      }
      const saved = JSON.parse(sessionStorage.getItem(draftKey) || "null");
      if (saved) fields.forEach((f) => { if (!f.value && saved[f.name]) f.value = saved[f.name]; });
    } catch (e) { /* nothing kept */ }
  }
  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  work.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    ({
      prev: () => show(current - 1),
      next: () => show(current + 1),
      "zoom-in": () => setZoom(zoom * 1.25),
      "zoom-out": () => setZoom(zoom / 1.25),
      "zoom-reset": () => { zoom = 1; rotation = 0; apply(); },
      rotate: rotate,
    })[button.dataset.action]();
  });
  fields.forEach((f) => f.addEventListener("input", () => { recount(); saveDraft(); }));
  release.addEventListener("submit", () => { try { sessionStorage.removeItem(draftKey); } catch (e) { /* */ } });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (keys.open) return; // the dialog handles its own keys (Esc closes it)
    if (event.key === "Escape") {
      event.preventDefault();
      if (typing(event.target)) { event.target.blur(); return; }
      release.requestSubmit();
      return;
    }
    if (typing(event.target)) return; // Enter in a field submits the form natively
    switch (event.key) {
      case "PageDown": event.preventDefault(); show(current + 1); break;
      case "PageUp": event.preventDefault(); show(current - 1); break;
      case "+": case "=": event.preventDefault(); setZoom(zoom * 1.25); break;
      case "-": case "−": event.preventDefault(); setZoom(zoom / 1.25); break;
      case "0": event.preventDefault(); zoom = 1; rotation = 0; apply(); break;
      case "r": case "R": case "к": case "К": event.preventDefault(); rotate(); break;
      case "?": event.preventDefault(); keys.showModal(); break;
      case "Enter": event.preventDefault(); form.requestSubmit(); break;
      default: break;
    }
  });

  restoreDraft();
  recount();
  show(0);
  const invalid = form.querySelector("[aria-invalid=true]");
  (invalid || fields[0] || form).focus();
  if (invalid) invalid.select();
})();
