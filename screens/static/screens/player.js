/* Metro screen player (/screens/player/): no framework, one file.
 *
 * - token: ?token=… once (kept in localStorage, removed from the address bar) or typed in;
 * - polls the feed (If-None-Match; every poll_interval, sooner when max-age is shorter),
 *   then the signed link it hands out (X-Poll-URL) until that expires;
 * - media: fetched through the service worker's cache, sha256-verified, shown as blob: URLs;
 *   the next item is prepared while the current one plays; a bad file skips its item;
 * - plays items whose windows contain now, each for its duration (a video: until it ends or
 *   its duration), with a cross-fade; emergency inserts cover the playlist;
 * - heartbeats every poll_interval with status and proof of play (unsent plays survive a
 *   reload in localStorage, at most 2000).
 * Everything keeps working from the last snapshot and cached media while the server is away.
 */
(function () {
  "use strict";

  const VERSION = "1.0";
  const KEYS = {
    token: "screens.token",
    snapshot: "screens.snapshot",
    etag: "screens.etag",
    plays: "screens.plays",
  };
  const MAX_PLAYS = 2000;
  const MEDIA_CACHE = "screens-media-v1"; // shared with sw.js
  const FEED_TIMEOUT = 15000;
  const MEDIA_TIMEOUT = 120000;
  const RETRY_AFTER = 30000; // a file that failed is tried again after this long
  const EMERGENCY_SLOT = 15; // seconds each when several inserts run at once
  const FADE_MS = 600; // keep in step with .layer transition in player.css

  const config = document.body.dataset; // feed, heartbeat, sw, page, js, css, timeZone
  const byId = (id) => document.getElementById(id);
  const stage = byId("stage");
  const layers = [byId("layer-a"), byId("layer-b")];
  const caption = byId("caption");
  const idle = byId("idle");
  const badge = byId("offline");
  const overlay = byId("emergency");
  const form = byId("token-form");

  const state = {
    token: null,
    snapshot: null,
    etag: null,
    pollUrl: null, // signed link to the group's snapshot, from the feed's X-Poll-URL
    stopped: true,
    online: true,
    skew: 0, // server clock minus ours, ms (only when it is off by more than a few seconds)
    position: -1, // index in snapshot.items of the item on stage
    current: null, // {item, element, startedAt, started}
    front: 0, // index of the visible layer
    turn: 0, // bumped to cancel an advance that is still preparing media
    prepared: new Map(), // media key -> {media, promise, url}
    failed: new Map(), // media key -> time it last failed
    verifyFailures: 0,
    emergency: null, // {entry, set, json, startedAt, started, shown}
    plays: loadJSON(KEYS.plays, []),
    timers: {},
  };

  // --- small helpers ---------------------------------------------------------------------

  function loadJSON(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function saveJSON(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      console.warn("[screens] localStorage:", error);
    }
  }

  function now() {
    return Date.now() + state.skew;
  }

  function timedFetch(url, options, ms) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    return fetch(url, { ...options, signal: controller.signal }).finally(() => clearTimeout(timer));
  }

  function pollSeconds() {
    const interval = state.snapshot && Number(state.snapshot.group.poll_interval);
    return interval > 0 ? interval : 10;
  }

  function absolute(url) {
    return new URL(url, location.href).href;
  }

  function mediaKey(media) {
    return `${media.sha256} ${media.url}`;
  }

  function inWindow(item, t) {
    if (!item.windows) return true;
    return item.windows.some(
      ([from, until]) => (!from || Date.parse(from) <= t) && (!until || t < Date.parse(until))
    );
  }

  function setOnline(online) {
    state.online = online;
    stage.dataset.online = String(online);
    badge.hidden = online;
  }

  // --- token -----------------------------------------------------------------------------

  function readToken() {
    const params = new URLSearchParams(location.search);
    const fromUrl = (params.get("token") || "").trim();
    if (params.has("token")) {
      params.delete("token");
      const query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? `?${query}` : "") + location.hash);
    }
    if (fromUrl) useToken(fromUrl);
    return localStorage.getItem(KEYS.token);
  }

  function useToken(token) {
    if (localStorage.getItem(KEYS.token) !== token) {
      // Another device: its playlist and its unsent plays are not ours.
      [KEYS.snapshot, KEYS.etag, KEYS.plays].forEach((key) => localStorage.removeItem(key));
      state.plays = [];
    }
    localStorage.setItem(KEYS.token, token);
  }

  function askForToken(message) {
    byId("token-message").textContent = message || "";
    byId("token-message").hidden = !message;
    form.hidden = false;
    byId("token-input").focus();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = byId("token-input").value.trim();
    if (!token) return;
    useToken(token);
    form.hidden = true;
    start();
  });

  function invalidToken() {
    stop();
    [KEYS.token, KEYS.snapshot, KEYS.etag, KEYS.plays].forEach((key) => localStorage.removeItem(key));
    state.plays = [];
    state.snapshot = null;
    state.etag = null;
    state.pollUrl = null;
    askForToken(document.body.dataset.msgBadToken);
  }

  // --- start / stop ----------------------------------------------------------------------

  async function start() {
    state.token = localStorage.getItem(KEYS.token);
    if (!state.token) return askForToken("");
    state.stopped = false;
    await registerWorker();
    const saved = loadJSON(KEYS.snapshot, null);
    if (saved && !state.snapshot) applySnapshot(saved, localStorage.getItem(KEYS.etag));
    if (!state.snapshot) showIdle(); // "正在获取播放列表…" until the first feed arrives
    state.timers.tick = setInterval(tick, 1000);
    tick();
    poll();
    state.timers.heartbeat = setTimeout(heartbeat, 3000);
  }

  function stop() {
    state.stopped = true;
    state.turn++;
    clearInterval(state.timers.tick);
    Object.values(state.timers).forEach(clearTimeout);
    state.current = null;
    state.emergency = null;
    layers.forEach((layer) => {
      layer.classList.remove("is-front");
      layer.replaceChildren();
    });
    overlay.hidden = true;
    caption.hidden = true;
    idle.hidden = true;
    stage.dataset.item = "";
  }

  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return; // not a secure context: no offline reloads
    const query = new URLSearchParams({
      page: config.page,
      feed: config.feed,
      js: config.js,
      css: config.css,
    });
    try {
      await navigator.serviceWorker.register(`${config.sw}?${query}`, { scope: config.page });
    } catch (error) {
      console.warn("[screens] service worker:", error);
      return;
    }
    if (navigator.serviceWorker.controller) return;
    // First visit: wait briefly until the worker controls the page, so media land in its cache.
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 3000);
      navigator.serviceWorker.addEventListener(
        "controllerchange",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true }
      );
    });
  }

  // --- feed ------------------------------------------------------------------------------

  async function poll() {
    if (state.stopped) return;
    let wait = pollSeconds();
    try {
      // After the first answer, poll by the signed link the feed hands out (X-Poll-URL):
      // nginx answers it from its cache without asking the portal.
      const link = state.pollUrl;
      const headers = link ? {} : { Authorization: `Bearer ${state.token}` };
      if (state.etag) headers["If-None-Match"] = state.etag;
      const response = await timedFetch(link || config.feed, { headers, cache: "no-store" }, FEED_TIMEOUT);
      const offline = response.headers.get("X-Screens-Offline") === "1"; // the worker's copy
      if (response.status === 401) return invalidToken();
      if (link && [403, 404, 410].includes(response.status)) {
        state.pollUrl = null; // expired or refused: back to the feed for a new link
        if (!state.stopped) state.timers.poll = setTimeout(poll, 0);
        return;
      }
      if (!offline && response.headers.get("X-Poll-URL")) state.pollUrl = response.headers.get("X-Poll-URL");
      setOnline(!offline);
      if (!offline) checkClock(response.headers.get("Date"));
      if (response.status === 200) {
        const etag = response.headers.get("ETag");
        const snapshot = await response.json();
        if (etag !== state.etag || !state.snapshot) {
          saveJSON(KEYS.snapshot, snapshot);
          localStorage.setItem(KEYS.etag, etag || "");
          applySnapshot(snapshot, etag);
          wait = pollSeconds();
        }
      } else if (response.status !== 304) {
        console.warn("[screens] feed answered", response.status, "- keeping the last playlist");
      }
      const maxAge = /max-age=(\d+)/.exec(response.headers.get("Cache-Control") || "");
      if (maxAge && !offline && Number(maxAge[1]) > 0) wait = Math.min(wait, Number(maxAge[1]));
    } catch (error) {
      setOnline(false);
      console.warn("[screens] feed unreachable - keeping the last playlist:", error.message);
    }
    if (!state.stopped) state.timers.poll = setTimeout(poll, Math.max(wait, 2) * 1000);
  }

  function checkClock(date) {
    const server = Date.parse(date || "");
    if (Number.isNaN(server)) return;
    const skew = server - Date.now();
    state.skew = Math.abs(skew) > 5000 ? skew : 0;
  }

  function applySnapshot(snapshot, etag) {
    state.snapshot = snapshot;
    state.etag = etag || null;
    byId("idle-name").textContent = snapshot.group.name;
    document.title = `${snapshot.group.name} - ${document.body.dataset.title}`;
    forgetUnlisted(snapshot);
    if (state.stopped) return;
    updateEmergency();
    const at = state.current
      ? snapshot.items.findIndex((item) => item.id === state.current.item.id)
      : -1;
    if (at >= 0) {
      state.position = at;
      state.current.item = snapshot.items[at]; // a new title or duration applies next time
    } else if (!state.emergency) {
      state.position = Math.min(state.position, snapshot.items.length - 1);
      advance(); // idle, or the item on stage was withdrawn: go on at once
    }
  }

  // --- media -----------------------------------------------------------------------------

  async function sha256(buffer) {
    if (window.crypto && crypto.subtle) {
      const digest = await crypto.subtle.digest("SHA-256", buffer);
      return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    }
    return sha256js(buffer); // plain http on a LAN address is not a secure context
  }

  class VerifyError extends Error {}

  async function loadVerified(media) {
    const response = await timedFetch(media.url, {}, MEDIA_TIMEOUT);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const buffer = await response.arrayBuffer();
    const digest = await sha256(buffer);
    if (digest !== media.sha256) {
      if (window.caches) caches.open(MEDIA_CACHE).then((cache) => cache.delete(media.url));
      throw new VerifyError(`sha256 ${digest.slice(0, 12)}… ≠ ${media.sha256.slice(0, 12)}…`);
    }
    const type = response.headers.get("Content-Type") || (media.type === "video" ? "video/mp4" : "image/jpeg");
    if (window.caches && !(navigator.serviceWorker && navigator.serviceWorker.controller)) {
      // No worker in charge yet: keep the verified copy ourselves.
      const copy = new Response(buffer, { headers: { "Content-Type": type } });
      caches.open(MEDIA_CACHE).then((cache) => cache.put(media.url, copy));
    }
    return URL.createObjectURL(new Blob([buffer], { type }));
  }

  function prepareMedia(media) {
    const key = mediaKey(media);
    const known = state.prepared.get(key);
    if (known) return known.promise;
    if (Date.now() - (state.failed.get(key) || 0) < RETRY_AFTER) return Promise.resolve(null);
    const entry = { media, url: null };
    entry.promise = loadVerified(media).then(
      (url) => {
        entry.url = url;
        state.failed.delete(key);
        return url;
      },
      (error) => {
        if (error instanceof VerifyError) state.verifyFailures++;
        console.warn(`[screens] skipping ${media.url}:`, error.message);
        state.failed.set(key, Date.now());
        state.prepared.delete(key);
        return null;
      }
    );
    state.prepared.set(key, entry);
    return entry.promise;
  }

  /** [{type, url}] with blob: URLs, or null when any of the item's files is not usable. */
  async function prepareItem(item) {
    if (!item.media || !item.media.length) return null;
    const urls = await Promise.all(item.media.map(prepareMedia));
    if (urls.some((url) => !url)) return null;
    return item.media.map((media, n) => ({ type: media.type, url: urls[n] }));
  }

  /** Let go of blob: URLs except those of these items and of the emergency inserts. */
  function release(keepItems) {
    const keep = new Set();
    keepItems.concat((state.snapshot && state.snapshot.emergency) || []).forEach((item) => {
      if (item) item.media.forEach((media) => keep.add(mediaKey(media)));
    });
    for (const [key, entry] of state.prepared) {
      if (entry.url && !keep.has(key)) {
        URL.revokeObjectURL(entry.url);
        state.prepared.delete(key);
      }
    }
  }

  function allMedia(snapshot) {
    return snapshot.items.concat(snapshot.emergency || []).flatMap((item) => item.media || []);
  }

  /** A new playlist: forget files it no longer lists, in memory and in the media cache. */
  function forgetUnlisted(snapshot) {
    const listed = allMedia(snapshot);
    const keys = new Set(listed.map(mediaKey));
    const urls = new Set(listed.map((media) => absolute(media.url)));
    for (const [key, entry] of state.prepared) {
      const onStage = state.current && state.current.item.media.some((m) => mediaKey(m) === key);
      if (!keys.has(key) && !onStage) {
        if (entry.url) URL.revokeObjectURL(entry.url);
        state.prepared.delete(key);
      }
    }
    if (!window.caches) return;
    caches
      .open(MEDIA_CACHE)
      .then((cache) =>
        cache.keys().then((requests) =>
          Promise.all(requests.filter((r) => !urls.has(r.url)).map((r) => cache.delete(r)))
        )
      )
      .catch(() => {});
  }

  async function cachedItems() {
    const items = (state.snapshot && state.snapshot.items) || [];
    if (!window.caches) {
      return items.filter((item) => item.media.every((m) => state.prepared.has(mediaKey(m)))).length;
    }
    try {
      const cache = await caches.open(MEDIA_CACHE);
      const urls = new Set((await cache.keys()).map((request) => request.url));
      return items.filter((item) => item.media.every((m) => urls.has(absolute(m.url)))).length;
    } catch (error) {
      return 0;
    }
  }

  // --- playlist --------------------------------------------------------------------------

  function nextPlayable(after) {
    const items = state.snapshot ? state.snapshot.items : [];
    for (let step = 1; step <= items.length; step++) {
      const index = (after + step + items.length) % items.length;
      if (inWindow(items[index], now())) return index;
    }
    return -1;
  }

  async function advance() {
    clearTimeout(state.timers.advance);
    finishCurrent();
    const turn = ++state.turn;
    if (state.stopped || state.emergency || !state.snapshot) return;
    const items = state.snapshot.items;
    let position = state.position;
    for (let tries = 0; tries < items.length; tries++) {
      const index = nextPlayable(position);
      if (index < 0) break;
      const media = await prepareItem(items[index]);
      if (turn !== state.turn) return; // an emergency, a new playlist or another advance
      if (items !== state.snapshot.items) return advance();
      if (media) {
        state.position = index;
        await show(items[index], media, turn);
        return;
      }
      position = index; // not playable (bad or missing file): try the one after it
    }
    showIdle();
    state.timers.advance = setTimeout(advance, 5000);
  }

  function mediaElement(media) {
    const video = media.find((m) => m.type === "video");
    const image = media.find((m) => m.type === "image");
    let element;
    if (video) {
      element = document.createElement("video");
      element.muted = true;
      element.playsInline = true;
      element.autoplay = true;
      element.preload = "auto";
      if (image) element.poster = image.url;
      element.src = video.url;
    } else {
      element = document.createElement("img");
      element.alt = "";
      element.src = image.url;
    }
    element.className = "media";
    return element;
  }

  function ready(element) {
    if (element.tagName === "IMG") return element.decode().catch(() => {});
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 5000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      element.addEventListener("loadeddata", done, { once: true });
      element.addEventListener("error", done, { once: true });
    });
  }

  async function show(item, media, turn) {
    const back = layers[1 - state.front];
    const front = layers[state.front];
    const element = mediaElement(media);
    back.replaceChildren(element);
    await ready(element);
    if (turn !== state.turn) return;
    back.classList.add("is-front");
    front.classList.remove("is-front");
    state.front = 1 - state.front;
    setTimeout(() => {
      if (!front.classList.contains("is-front")) {
        front.querySelectorAll("video").forEach((video) => video.pause());
        front.replaceChildren();
      }
    }, FADE_MS + 100);
    idle.hidden = true;
    stage.dataset.item = item.id;
    caption.textContent = item.title || "";
    caption.hidden = !item.title;
    state.current = { item, element, startedAt: new Date(), started: performance.now() };
    const seconds = Math.max(Number(item.duration) || 15, 1);
    state.timers.advance = setTimeout(advance, seconds * 1000);
    if (element.tagName === "VIDEO") {
      element.addEventListener("ended", () => {
        if (state.current && state.current.element === element) advance();
      });
      element.play().catch(() => {}); // muted autoplay; the timer moves on regardless
    }
    const items = state.snapshot.items;
    const here = items.indexOf(item);
    const next = nextPlayable(here);
    release([item, items[next], items[here - 1]]); // this one, the next, the one fading out
    if (next >= 0) prepareItem(items[next]); // preload while this one plays
  }

  function showIdle() {
    layers.forEach((layer) => layer.classList.remove("is-front"));
    caption.hidden = true;
    idle.hidden = false;
    stage.dataset.item = "";
  }

  function recordPlay(id, startedAt, seconds) {
    if (!(seconds > 0)) return;
    state.plays.push({
      item: id,
      started_at: startedAt.toISOString(),
      duration: Math.min(Math.round(seconds * 10) / 10, 3600),
    });
    if (state.plays.length > MAX_PLAYS) state.plays.splice(0, state.plays.length - MAX_PLAYS);
    saveJSON(KEYS.plays, state.plays);
  }

  function finishCurrent() {
    const current = state.current;
    if (!current) return;
    state.current = null;
    recordPlay(current.item.id, current.startedAt, (performance.now() - current.started) / 1000);
  }

  // --- emergency inserts -----------------------------------------------------------------

  function activeEmergencies() {
    const t = now();
    const entries = (state.snapshot && state.snapshot.emergency) || [];
    return entries
      .filter((e) => Date.parse(e.starts_at) <= t && t < Date.parse(e.ends_at))
      .sort((a, b) => b.priority - a.priority || Date.parse(a.starts_at) - Date.parse(b.starts_at));
  }

  function updateEmergency() {
    const active = activeEmergencies();
    const shown = state.emergency;
    if (!active.length) {
      if (shown) endEmergency();
      return;
    }
    // Several at once take turns, highest priority first; a new or ended one restarts the
    // round, so a more urgent insert shows at once.
    const set = active.map((e) => e.id).join(",");
    let pick = active[0];
    if (shown && shown.set === set) {
      const at = active.findIndex((e) => e.id === shown.entry.id);
      const due = active.length > 1 && performance.now() - shown.shown >= EMERGENCY_SLOT * 1000;
      pick = active[due ? (at + 1) % active.length : at];
    }
    if (!shown || shown.entry.id !== pick.id || shown.json !== JSON.stringify(pick)) {
      showEmergency(pick, set);
    } else {
      shown.set = set;
    }
  }

  function showEmergency(entry, set) {
    if (state.emergency) {
      flushEmergency();
    } else {
      // The playlist waits underneath, so it is not counted as played.
      clearTimeout(state.timers.advance);
      state.turn++;
      finishCurrent();
      layers.forEach((layer) => layer.querySelectorAll("video").forEach((v) => v.pause()));
    }
    const started = performance.now();
    const json = JSON.stringify(entry);
    state.emergency = { entry, set, json, startedAt: new Date(), started, shown: started };
    overlay.dataset.item = entry.id;
    byId("emergency-title").textContent = entry.title;
    byId("emergency-text").textContent = entry.text || "";
    byId("emergency-text").hidden = !entry.text;
    const box = byId("emergency-media");
    box.replaceChildren();
    overlay.classList.remove("has-media");
    overlay.hidden = false;
    if (entry.media && entry.media.length) {
      // The text shows at once; a picture or clip joins it when verified.
      prepareItem(entry).then((media) => {
        if (!media || !state.emergency || state.emergency.entry !== entry) return;
        const element = mediaElement(media);
        if (element.tagName === "VIDEO") element.loop = true;
        box.replaceChildren(element);
        overlay.classList.add("has-media");
      });
    }
  }

  /** Record what the insert has shown so far and start a new segment (before heartbeats). */
  function flushEmergency() {
    const shown = state.emergency;
    if (!shown) return;
    recordPlay(shown.entry.id, shown.startedAt, (performance.now() - shown.started) / 1000);
    shown.startedAt = new Date();
    shown.started = performance.now();
  }

  function endEmergency() {
    flushEmergency();
    state.emergency = null;
    overlay.hidden = true;
    overlay.dataset.item = "";
    byId("emergency-media").replaceChildren();
    advance();
  }

  // --- clock, heartbeats -----------------------------------------------------------------

  const clockFormat = new Intl.DateTimeFormat("zh-CN", {
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZone: config.timeZone || undefined,
  });
  const dateFormat = new Intl.DateTimeFormat("zh-CN", {
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "long",
    timeZone: config.timeZone || undefined,
  });

  function tick() {
    const t = new Date(now());
    byId("idle-clock").textContent = clockFormat.format(t);
    byId("idle-date").textContent = dateFormat.format(t);
    updateEmergency();
    if (state.current && !inWindow(state.current.item, now())) advance(); // its daypart ended
  }

  async function heartbeat() {
    if (state.stopped) return;
    flushEmergency();
    const plays = state.plays.slice(0, MAX_PLAYS);
    const current = state.emergency ? state.emergency.entry.id : state.current && state.current.item.id;
    const status = {
      cached_items: await cachedItems(),
      current: current || null,
      online: state.online,
      verify_failures: state.verifyFailures,
    };
    try {
      const response = await timedFetch(
        config.heartbeat,
        {
          method: "POST",
          headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ player_version: VERSION, status, plays }),
          cache: "no-store",
        },
        FEED_TIMEOUT
      );
      if (response.status === 401) return invalidToken();
      if (response.ok || response.status === 400) {
        if (!response.ok) console.warn("[screens] heartbeat refused:", await response.text());
        const sent = new Set(plays); // a refused batch would be refused again: drop it too
        state.plays = state.plays.filter((play) => !sent.has(play));
        saveJSON(KEYS.plays, state.plays);
      }
      setOnline(true);
    } catch (error) {
      setOnline(false);
    }
    if (!state.stopped) state.timers.heartbeat = setTimeout(heartbeat, pollSeconds() * 1000);
  }

  // --- sha256 for insecure contexts (crypto.subtle is only there on https and localhost) ----

  function sha256js(buffer) {
    const primes = [];
    for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p)) primes.push(n);
    const frac = (x) => ((x - Math.floor(x)) * 0x100000000) >>> 0;
    const K = primes.map((p) => frac(Math.cbrt(p)));
    const H = new Uint32Array(primes.slice(0, 8).map((p) => frac(Math.sqrt(p))));
    const bytes = new Uint8Array(buffer);
    const total = Math.ceil((bytes.length + 9) / 64) * 64;
    const data = new Uint8Array(total);
    data.set(bytes);
    data[bytes.length] = 0x80;
    const view = new DataView(data.buffer);
    view.setUint32(total - 8, Math.floor(bytes.length / 0x20000000));
    view.setUint32(total - 4, (bytes.length * 8) >>> 0);
    const W = new Uint32Array(64);
    const ror = (x, n) => (x >>> n) | (x << (32 - n));
    for (let offset = 0; offset < total; offset += 64) {
      for (let i = 0; i < 16; i++) W[i] = view.getUint32(offset + i * 4);
      for (let i = 16; i < 64; i++) {
        const s0 = ror(W[i - 15], 7) ^ ror(W[i - 15], 18) ^ (W[i - 15] >>> 3);
        const s1 = ror(W[i - 2], 17) ^ ror(W[i - 2], 19) ^ (W[i - 2] >>> 10);
        W[i] = W[i - 16] + s0 + W[i - 7] + s1;
      }
      let [a, b, c, d, e, f, g, h] = H;
      for (let i = 0; i < 64; i++) {
        const t1 = (h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
        const t2 = ((ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        [h, g, f, e, d, c, b, a] = [g, f, e, (d + t1) | 0, c, b, a, (t1 + t2) | 0];
      }
      [a, b, c, d, e, f, g, h].forEach((x, i) => (H[i] += x));
    }
    return Array.from(H, (x) => x.toString(16).padStart(8, "0")).join("");
  }

  // For a technician at the browser console: screenPlayer.status()
  window.screenPlayer = {
    version: VERSION,
    sha256js,
    status: () => ({
      current: state.current && state.current.item.id,
      emergency: state.emergency && state.emergency.entry.id,
      online: state.online,
      verifyFailures: state.verifyFailures,
      unsentPlays: state.plays.length,
      etag: state.etag,
    }),
  };

  setOnline(navigator.onLine !== false);
  if (readToken()) start();
  else askForToken("");
})();
