/* Live event page: plays the HLS stream with hls.js (vendored from npm; native HLS in
 * Safari/iOS when hls.js cannot run), sends a heartbeat every 10 s so the page counts its
 * viewers, and follows the event's state: it starts playing when the event goes live and
 * says so when it ends. No inline script (the page's CSP allows only our own files).
 * Its words come translated from the page's data-* attributes (the heartbeat is not
 * under a language prefix, so its state_label is only the fallback). */
"use strict";

(function () {
  const box = document.querySelector("[data-live-event]");
  if (!box) return;
  const video = box.querySelector("[data-live-video]");
  const notice = box.querySelector("[data-live-notice]");
  const stateLabel = box.querySelector("[data-live-state]");
  const viewersLine = box.querySelector("[data-live-viewers]");
  const BEAT_MS = 10000;
  const text = box.dataset;
  let state = box.dataset.state;
  let hls = null;
  let viewer = sessionStorage.getItem("live-viewer");
  if (!viewer) {
    viewer = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
    sessionStorage.setItem("live-viewer", viewer);
  }

  function say(text) {
    if (notice) notice.textContent = text;
  }

  function play() {
    if (!video || hls || video.src) return;
    const url = box.dataset.hls;
    video.hidden = false;
    if (window.Hls && window.Hls.isSupported()) {
      hls = new window.Hls({ enableWorker: false, lowLatencyMode: false });
      hls.on(window.Hls.Events.ERROR, (event, data) => {
        if (data.fatal && data.type === window.Hls.ErrorTypes.NETWORK_ERROR) {
          say(text.msgReconnecting);
          setTimeout(() => hls && hls.loadSource(url), 3000);
        }
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = url;
    } else {
      say(text.msgUnsupported);
      return;
    }
    say("");
    video.play().catch(() => say(text.msgTapToPlay));
  }

  function stop() {
    if (hls) {
      hls.destroy();
      hls = null;
    }
  }

  function show(data) {
    if (stateLabel) {
      const key = `label${data.state.charAt(0).toUpperCase()}${data.state.slice(1)}`;
      stateLabel.textContent = text[key] || data.state_label;
      stateLabel.className = `live-state live-state--${data.state}`;
    }
    if (viewersLine && data.state === "live") {
      const line = data.viewers === 1 ? text.viewersOne : text.viewersOther;
      viewersLine.textContent = line.replace("{n}", String(data.viewers));
    }
    if (data.state === state) return;
    state = data.state;
    if (state === "live") play();
    else if (state === "ended") {
      stop();
      say(text.msgEnded);
    } else if (state === "replay") {
      window.location.reload();
    }
  }

  async function beat() {
    try {
      const response = await fetch(box.dataset.heartbeat, {
        method: "POST",
        body: new URLSearchParams({ viewer }),
        credentials: "omit",
      });
      if (response.ok) show(await response.json());
    } catch (error) {
      /* offline for a moment: the next beat tries again */
    }
  }

  if (state === "live") play();
  if (state === "live" || state === "upcoming") {
    beat();
    setInterval(beat, BEAT_MS);
  }
})();
