// The marking screen: page viewer, annotations, keys, live total, and drafts kept in this browser.
// Without the marks form (the chair's view of a work) only the viewer and the rounds' marks work.
"use strict";
(function () {
  const work = document.querySelector(".work");
  if (!work) return;
  const code = work.dataset.work;
  const form = document.getElementById("marks-form");
  const editing = form !== null;
  const release = document.getElementById("release-form");
  const pages = Array.from(work.querySelectorAll("figure.page"));
  const pageIndex = work.querySelector("[data-role=page-index]");
  const fields = editing ? Array.from(form.querySelectorAll("input[name^=task-]")) : [];
  const comment = document.getElementById("comment");
  const stored = document.getElementById("annotations");
  const total = document.getElementById("total");
  const keys = document.getElementById("keys");
  const noteDialog = document.getElementById("note-dialog");
  const noteText = document.getElementById("note-text");
  const noteLabel = editing ? noteDialog.querySelector("[data-role=note-label]") : null;
  const noteError = editing ? noteDialog.querySelector("[data-role=note-error]") : null;
  const list = document.getElementById("annotation-list");
  const count = work.querySelector("[data-role=annotation-count]");
  const toolButtons = Array.from(work.querySelectorAll("button[data-tool]"));
  const draftKey = "olymp.marking.draft." + code;
  const KIND_NAMES = { tick: "галочка", cross: "крестик", box: "рамка", text: "надпись" };
  const GLYPHS = { tick: "✓", cross: "✗" };
  let current = 0, zoom = 1, rotation = 0;
  let tool = null;       // the annotation being placed: tick, cross, box, text
  let annotations = [];  // this member's, in page-relative coordinates (0..1 from the top left)
  let dragging = null;   // a box being drawn: {page, overlay, x, y, preview}
  let asking = null;     // the kind whose text the note dialog asks for

  // --- pages: one shown at a time, zoom and rotation apply to the page and its marks together
  function show(index) {
    if (!pages.length) return;
    current = Math.max(0, Math.min(pages.length - 1, index));
    pages.forEach((page, i) => { page.hidden = i !== current; });
    pageIndex.textContent = String(current + 1);
    apply();
  }
  function apply() {
    pages.forEach((page) => {
      // the coding officer's turn (a page scanned sideways) and the member's own, together
      const turn = (Number(page.dataset.rotation) || 0) + rotation;
      page.style.transform = "rotate(" + turn + "deg) scale(" + zoom + ")";
    });
  }
  function setZoom(value) { zoom = Math.max(0.25, Math.min(4, value)); apply(); }
  function rotate() { rotation = (rotation + 90) % 360; apply(); }

  // --- annotations: data kept in the hidden field the form sends, drawn over the page
  function clamp(value) { return Math.max(0, Math.min(1, Math.round(value * 10000) / 10000)); }
  function placeOf(event, overlay) {
    // offsetX/Y are in the overlay's own (unrotated, unscaled) box: the scan as it was scanned
    return { x: clamp(event.offsetX / overlay.clientWidth), y: clamp(event.offsetY / overlay.clientHeight) };
  }
  function draw(overlay, item, extraClass, label) {
    const mark = document.createElement("div");
    mark.className = "ann ann-" + item.kind + (extraClass ? " " + extraClass : "");
    mark.style.left = item.x * 100 + "%";
    mark.style.top = item.y * 100 + "%";
    if (item.kind === "box") {
      mark.style.width = item.width * 100 + "%";
      mark.style.height = item.height * 100 + "%";
    }
    const text = GLYPHS[item.kind] || item.text || "";
    if (text) {
      const span = document.createElement("span");
      span.className = "ann-label";
      span.textContent = text;
      mark.appendChild(span);
    }
    if (label) {
      const badge = document.createElement("span");
      badge.className = "ann-round";
      badge.textContent = label;
      mark.appendChild(badge);
    }
    overlay.appendChild(mark);
  }
  function render() {
    if (!editing) return;
    pages.forEach((page) => {
      page.querySelectorAll(".ann.mine").forEach((el) => el.remove());
      const overlay = page.querySelector(".overlay");
      annotations.filter((a) => a.page_id === page.dataset.pageId)
        .forEach((a) => draw(overlay, a, "mine"));
    });
    list.replaceChildren();
    annotations.forEach((a, i) => {
      const item = document.createElement("li");
      const number = pages.findIndex((p) => p.dataset.pageId === a.page_id) + 1;
      item.textContent = "Стр. " + number + ": " + KIND_NAMES[a.kind] + (a.text ? " — «" + a.text + "»" : "") + " ";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary small";
      remove.dataset.remove = String(i);
      remove.textContent = "Удалить";
      item.appendChild(remove);
      list.appendChild(item);
    });
    count.textContent = String(annotations.length);
    stored.value = annotations.length ? JSON.stringify(annotations) : "";
  }
  function add(item) { annotations.push(item); render(); saveDraft(); }
  function removeAt(index) { annotations.splice(index, 1); render(); saveDraft(); }
  function removeLastOnPage() {
    const id = pages[current] && pages[current].dataset.pageId;
    for (let i = annotations.length - 1; i >= 0; i--) {
      if (annotations[i].page_id === id) { removeAt(i); return; }
    }
  }
  function choose(kind) {
    tool = tool === kind ? null : kind;
    toolButtons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.tool === tool)));
    work.classList.toggle("placing", tool !== null);
  }
  function askText(kind) {
    // the text of a box (optional) or of a text mark (required); resolves null on cancel
    return new Promise((resolve) => {
      asking = kind;
      noteLabel.textContent = kind === "text" ? "Текст надписи" : "Заметка к рамке (можно оставить пустой)";
      noteText.value = "";
      noteError.hidden = true;
      noteDialog.returnValue = "";
      const done = () => {
        noteDialog.removeEventListener("close", done);
        resolve(noteDialog.returnValue === "ok" ? noteText.value.trim() : null);
      };
      noteDialog.addEventListener("close", done);
      noteDialog.showModal();
      noteText.focus();
    });
  }
  if (editing) noteDialog.querySelector("form").addEventListener("submit", (event) => {
    const ok = event.submitter ? event.submitter.value === "ok" : true;
    if (ok && asking === "text" && !noteText.value.trim()) {
      event.preventDefault();
      noteError.hidden = false;
    }
  });

  if (editing) pages.forEach((page) => {
    const overlay = page.querySelector(".overlay");
    overlay.addEventListener("pointerdown", (event) => {
      if (!tool || event.button !== 0) return;
      event.preventDefault();
      const at = placeOf(event, overlay);
      if (tool === "box") {
        const preview = document.createElement("div");
        preview.className = "ann ann-box drawing";
        overlay.appendChild(preview);
        dragging = { page, overlay, x: at.x, y: at.y, preview };
        overlay.setPointerCapture(event.pointerId);
        return;
      }
      const kind = tool;
      const item = { page_id: page.dataset.pageId, kind: kind, x: at.x, y: at.y };
      if (kind === "text") {
        askText(kind).then((text) => { if (text) add(Object.assign(item, { text: text })); });
      } else {
        add(item);
      }
    });
    overlay.addEventListener("pointermove", (event) => {
      if (!dragging || dragging.overlay !== overlay) return;
      const at = placeOf(event, overlay);
      const box = boxOf(dragging, at);
      dragging.preview.style.left = box.x * 100 + "%";
      dragging.preview.style.top = box.y * 100 + "%";
      dragging.preview.style.width = box.width * 100 + "%";
      dragging.preview.style.height = box.height * 100 + "%";
    });
    overlay.addEventListener("pointerup", (event) => {
      if (!dragging || dragging.overlay !== overlay) return;
      const box = boxOf(dragging, placeOf(event, overlay));
      dragging.preview.remove();
      dragging = null;
      if (box.width < 0.005 || box.height < 0.005) return; // a click, not a box
      askText("box").then((text) => {
        if (text === null) return;
        const item = Object.assign({ page_id: page.dataset.pageId, kind: "box" }, box);
        if (text) item.text = text;
        add(item);
      });
    });
  });
  function boxOf(start, end) {
    const x = Math.min(start.x, end.x), y = Math.min(start.y, end.y);
    return { x: x, y: y, width: clamp(Math.abs(end.x - start.x)), height: clamp(Math.abs(end.y - start.y)) };
  }
  if (editing) list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-remove]");
    if (button) removeAt(Number(button.dataset.remove));
  });

  // the earlier rounds' marks, for a third member (§73): drawn apart, labelled by round
  const earlier = document.getElementById("rounds-annotations");
  if (earlier) {
    JSON.parse(earlier.textContent).forEach((round, r) => {
      round.forEach((a) => {
        const page = pages.find((p) => p.dataset.pageId === a.page_id);
        if (page) draw(page.querySelector(".overlay"), a, "theirs round-" + (r + 1), String(r + 1));
      });
    });
    work.querySelectorAll("input[data-round]").forEach((box) => {
      box.addEventListener("change", () => {
        work.querySelectorAll(".ann.round-" + box.dataset.round)
          .forEach((el) => { el.hidden = !box.checked; });
      });
    });
  }

  // --- points, total, drafts
  function parse(text) {
    const cleaned = text.trim().replace(",", ".");
    if (cleaned === "" || !/^\d+(\.\d+)?$/.test(cleaned)) return null;
    return Number(cleaned);
  }
  function recount() {
    if (!editing) return;
    let sum = 0;
    fields.forEach((f) => { const v = parse(f.value); if (v !== null) sum += v; });
    total.textContent = String(Math.round(sum * 100) / 100).replace(".", ",");
  }
  function saveDraft() {
    if (!editing) return;
    const values = { comment: comment.value, annotations: annotations };
    fields.forEach((f) => { values[f.name] = f.value; });
    try { sessionStorage.setItem(draftKey, JSON.stringify(values)); } catch (e) { /* private mode */ }
  }
  function restore() {
    if (!editing) return;
    // what the server sent back (a refused form) wins; else this work's draft in this browser
    try { annotations = stored.value ? JSON.parse(stored.value) : []; } catch (e) { annotations = []; }
    try {
      // drafts of other works were saved already (or given back): only this work's is kept
      for (let i = sessionStorage.length - 1; i >= 0; i--) {
        const key = sessionStorage.key(i);
        if (key && key.startsWith("olymp.marking.draft.") && key !== draftKey) sessionStorage.removeItem(key);
      }
      const saved = JSON.parse(sessionStorage.getItem(draftKey) || "null");
      if (saved) {
        fields.forEach((f) => { if (!f.value && saved[f.name]) f.value = saved[f.name]; });
        if (!comment.value && saved.comment) comment.value = saved.comment;
        if (!annotations.length && Array.isArray(saved.annotations)) annotations = saved.annotations;
      }
    } catch (e) { /* nothing kept */ }
  }
  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  work.addEventListener("click", (event) => {
    const toolButton = event.target.closest("button[data-tool]");
    if (toolButton) { choose(toolButton.dataset.tool); return; }
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
  if (editing) {
    comment.addEventListener("input", saveDraft);
    release.addEventListener("submit", () => { try { sessionStorage.removeItem(draftKey); } catch (e) { /* */ } });
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (keys.open || (noteDialog && noteDialog.open)) return; // a dialog handles its own keys
    if (event.key === "Escape") {
      if (typing(event.target)) { event.preventDefault(); event.target.blur(); return; }
      if (!editing) return;
      event.preventDefault();
      if (tool) { choose(null); return; }
      release.requestSubmit();
      return;
    }
    if (typing(event.target)) return; // Enter in a field submits the form natively
    if (!editing && ["1", "2", "3", "4", "Backspace", "Delete", "Enter"].includes(event.key)) return;
    switch (event.key) {
      case "PageDown": event.preventDefault(); show(current + 1); break;
      case "PageUp": event.preventDefault(); show(current - 1); break;
      case "+": case "=": event.preventDefault(); setZoom(zoom * 1.25); break;
      case "-": case "−": event.preventDefault(); setZoom(zoom / 1.25); break;
      case "0": event.preventDefault(); zoom = 1; rotation = 0; apply(); break;
      case "r": case "R": case "к": case "К": event.preventDefault(); rotate(); break;
      case "1": event.preventDefault(); choose("tick"); break;
      case "2": event.preventDefault(); choose("cross"); break;
      case "3": event.preventDefault(); choose("box"); break;
      case "4": event.preventDefault(); choose("text"); break;
      case "Backspace": case "Delete": event.preventDefault(); removeLastOnPage(); break;
      case "?": event.preventDefault(); keys.showModal(); break;
      case "Enter": event.preventDefault(); form.requestSubmit(); break;
      default: break;
    }
  });

  restore();
  render();
  recount();
  show(0);
  if (editing) {
    const invalid = form.querySelector("[aria-invalid=true]");
    (invalid || fields[0] || form).focus();
    if (invalid) invalid.select();
  }
})();
