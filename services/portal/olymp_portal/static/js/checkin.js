// The check-in screen: the list narrows to the surnames that begin with what is typed (ё as е),
// «/» goes back to the search (its text selected), Escape clears it. Marks are sent by htmx, a row at a time.
"use strict";
(function () {
  const search = document.getElementById("search");
  if (!search) return;
  const normal = (text) => text.toLowerCase().replaceAll("ё", "е").trim();
  function narrow() {
    const typed = normal(search.value);
    for (const row of document.querySelectorAll("table.check-in tbody tr[data-name]")) {
      row.hidden = typed !== "" && !row.dataset.name.startsWith(typed);
    }
  }
  search.addEventListener("input", narrow);
  document.addEventListener("htmx:afterSwap", narrow);
  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    // in the search itself «/» selects what is typed (no surname has a slash): the next one replaces it
    if (event.key === "/" && (!typing || event.target === search)) {
      event.preventDefault();
      search.focus();
      search.select();
    } else if (event.key === "Escape" && event.target === search) {
      search.value = "";
      narrow();
    }
  });
})();
