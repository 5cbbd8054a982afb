// The room screen for the board (§35, §44, §133): the time left to the round's end, ticking here
// from the portal's clock read at loading (a board's own clock may be wrong), and each warning
// before the end for a minute from the minute the organiser chose. «F» toggles full screen.
"use strict";
(function () {
  const screen = document.querySelector(".room-screen");
  if (!screen) return;
  const offset = Date.parse(screen.dataset.now) - Date.now();
  const startsAt = Date.parse(screen.dataset.startsAt);
  const endsAt = Date.parse(screen.dataset.endsAt);
  const zone = screen.dataset.timeZone;
  const warnings = screen.dataset.warnings.split(",").map(Number).sort((a, b) => a - b);
  const left = document.getElementById("left");
  const warning = document.getElementById("warning");
  const clock = document.getElementById("clock");
  const minute = 60 * 1000;
  // a warning is an announcement at its minute (§44: 30 and 5 minutes before the end): shown for
  // a minute after it, then the time left again — with 12 minutes left the board must not say 30
  const announced = minute;

  function span(ms) {
    const minutes = Math.ceil(ms / minute);
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return hours > 0 ? `${hours} ч ${String(rest).padStart(2, "0")} мин` : `${rest} мин`;
  }

  function show(text, state, warned) {
    if (left.textContent !== text) left.textContent = text;
    screen.dataset.state = state;
    const message = warned
      ? `Осталось ${warned} минут до окончания. Проверьте работу тщательно.`
      : "";
    if (warning.textContent !== message) {
      warning.textContent = message;
      warning.hidden = message === "";
    }
  }

  function tick() {
    const now = Date.now() + offset;
    clock.textContent = new Date(now).toLocaleTimeString("ru-RU", {
      timeZone: zone, hour: "2-digit", minute: "2-digit",
    });
    if (now < startsAt) {
      show(`До начала: ${span(startsAt - now)}`, "before", null);
    } else if (now < endsAt) {
      const remaining = endsAt - now;
      const warned =
        warnings.find((w) => remaining <= w * minute && remaining > w * minute - announced) ||
        null;
      const text = remaining < minute ? "Осталось меньше минуты" : `Осталось ${span(remaining)}`;
      show(text, warned ? "warned" : "running", warned);
    } else {
      show("Время вышло: сдайте работы и черновики", "over", null);
    }
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "f" && event.key !== "F" && event.key !== "а" && event.key !== "А") return;
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  });
  tick();
  setInterval(tick, 1000);
})();
