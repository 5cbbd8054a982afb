// The coding officer's manual queue: the page turned with r, keys for the strip and the decisions,
// the cursor back in the code field after each page swapped in (a refused one: selected).
"use strict";
(function () {
  if (!document.querySelector(".coding-queue")) return;
  const keys = document.getElementById("keys");
  const TURNS = ["rot-0", "rot-90", "rot-180", "rot-270"];

  function current() { return document.getElementById("current-page"); }
  function turnOf(page) {
    const field = page.querySelector("input[data-role=rotation]");
    return field ? (Number(field.value) || 0) : 0;
  }
  function rotate(by) {
    const page = current();
    if (!page || !page.querySelector("[data-role=page-image]")) return;
    const turn = (((turnOf(page) + by) % 360) + 360) % 360;
    // every form of the page sends the turn: it is kept with the decision, so the jury sees it upright
    page.querySelectorAll("input[data-role=rotation]").forEach((field) => { field.value = String(turn); });
    const image = page.querySelector("[data-role=page-image]");
    image.classList.remove(...TURNS);
    image.classList.add("rot-" + turn);
  }
  function focusCode(select) {
    const page = current();
    if (!page) return;
    const invalid = page.querySelector("[aria-invalid=true]");
    const field = invalid || page.querySelector("input[name=work_code]");
    if (!field) return;
    field.focus();
    if (select || invalid) field.select();
  }
  function press(selector) {
    const page = current();
    const target = page && page.querySelector(selector);
    if (target) target.click();
    return Boolean(target);
  }
  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("#current-page button[data-action]");
    if (!button) return;
    rotate(button.dataset.action === "rotate-left" ? -90 : 90);
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    // a page swapped in (or the strip redrawn): the officer goes on typing the next code
    if (!typing(document.activeElement) || document.activeElement.closest("#current-page") === null) {
      focusCode(false);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (keys && keys.open) return; // the dialog handles its own keys (Esc closes it)
    if (event.key === "Escape") {
      if (typing(event.target)) { event.preventDefault(); event.target.blur(); }
      return;
    }
    if (typing(event.target)) return; // Enter in the code field submits its form natively
    const key = event.key;
    let handled = true;
    if (key === "r" || key === "к") rotate(90);
    else if (key === "R" || key === "К") rotate(-90);
    else if (key === "PageDown") handled = press("a[data-key=next]");
    else if (key === "PageUp") handled = press("a[data-key=prev]");
    else if (key === "c" || key === "с") focusCode(true);
    else if (/^[1-9]$/.test(key)) handled = press('button[data-key="' + key + '"]');
    else if (key === "ч" || key === "x") handled = press("button[data-key=draft]");
    else if (key === "у" || key === "e") handled = press("button[data-key=discarded]");
    else if (key === "г" || key === "u") handled = press("button[data-key=undo]");
    else if (key === "?") { if (keys) keys.showModal(); }
    else handled = false;
    if (handled) event.preventDefault();
  });

  focusCode(false);
})();
