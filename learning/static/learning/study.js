/* Lesson and audiobook players: resume where the member stopped (on any device) and
 * report progress (start, a beat every 15 s while playing, pause, end) to
 * /api/v2/me/progress/. Audiobook chapters play on, one after another. Its words come
 * translated in the status line's data-* attributes; the API's own error messages are
 * zh-hans (it has no language prefix), so other pages say their own "not saved". */
"use strict";

(function () {
  const players = Array.from(document.querySelectorAll(".study-player[data-item]"));
  const status = document.querySelector("[data-study-status]");
  if (!players.length) return;
  const BEAT_MS = 15000;
  const signedIn = players[0].dataset.signedIn === "1";
  const endpoint = players[0].dataset.progress;
  const csrf = players[0].dataset.csrf || "";

  const words = status ? status.dataset : {};
  const apiSpeaksPage = document.documentElement.lang === "zh-Hans";

  function say(text) {
    if (status) status.textContent = text;
  }

  async function report(player, event) {
    if (!signedIn) return;
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ item: player.dataset.item, position_s: player.currentTime, event }),
      });
      const data = await response.json();
      if (!response.ok) {
        return say(data.error && apiSpeaksPage ? data.error.message : words.msgUnsaved);
      }
      if (data.points_earned) {
        const line = data.points_earned === 1 ? words.pointsOne : words.pointsOther;
        say(line.replace("{n}", String(data.points_earned)));
      } else if (data.completed) say(words.msgDone);
    } catch (error) {
      say(words.msgOffline);
    }
  }

  async function resume() {
    if (!signedIn) return;
    const response = await fetch(endpoint, { credentials: "same-origin" });
    if (!response.ok) return;
    const saved = new Map((await response.json()).results.map((r) => [r.item, r]));
    players.forEach((player) => {
      const row = saved.get(player.dataset.item);
      if (!row || row.completed || row.position_s < 3) return;
      const seek = () => { player.currentTime = row.position_s; };
      if (player.readyState >= 1) seek();
      else player.addEventListener("loadedmetadata", seek, { once: true });
      player.dataset.resumeAt = String(row.position_s);
      say(
        words.msgResumed
          .replace("{m}", String(Math.floor(row.position_s / 60)))
          .replace("{s}", String(Math.floor(row.position_s % 60))),
      );
    });
  }

  players.forEach((player, index) => {
    let timer = null;
    player.addEventListener("play", () => {
      report(player, "start");
      clearInterval(timer);
      timer = setInterval(() => report(player, "beat"), BEAT_MS);
    });
    player.addEventListener("pause", () => {
      clearInterval(timer);
      if (!player.ended) report(player, "pause");
    });
    player.addEventListener("ended", () => {
      clearInterval(timer);
      report(player, "end");
      const next = players[index + 1];
      if (player.dataset.continuous === "1" && next) next.play().catch(() => {});
    });
  });
  resume().catch(() => {});
})();
