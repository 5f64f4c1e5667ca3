/* Metro screen player: service worker.
 *
 * Registered by player.js as /screens/player/sw.js?page=…&js=…&css=…&feed=… (the URLs come
 * from the page, so hashed static names work and a new deploy registers a new worker).
 *
 *   /media/…, clips    cache-first (Cache Storage); the player verifies sha256 and deletes
 *   (/documents/…)     a bad copy, so the next attempt goes to the network.
 *   the feed, poll links network-first; the last 200 is kept and answered when the network
 *                      fails (marked "X-Screens-Offline: 1"), so a reload offline still plays.
 *   page, JS, CSS      network-first with cache fallback, for offline reloads.
 */
"use strict";

const SHELL_CACHE = "screens-shell-v1";
const FEED_CACHE = "screens-feed-v1";
const MEDIA_CACHE = "screens-media-v1";
const NETWORK_TIMEOUT = 15000;

const params = new URL(self.location.href).searchParams;
const PAGE = params.get("page") || "/screens/player/";
const FEED = params.get("feed") || "/api/screens/v1/feed/";
const POLL = "/api/screens/v1/poll/"; // signed links to the same snapshot
const SHELL = [PAGE, params.get("js"), params.get("css")].filter(Boolean);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  const keep = [SHELL_CACHE, FEED_CACHE, MEDIA_CACHE];
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("screens-") && !keep.includes(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // heartbeats go straight to the network
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/media/") || url.pathname.startsWith("/documents/")) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname === FEED || url.pathname.startsWith(POLL)) {
    event.respondWith(feed(request));
  } else if (url.pathname === PAGE || SHELL.includes(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});

function withTimeout(promise) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network timeout")), NETWORK_TIMEOUT);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); }
    );
  });
}

async function cacheFirst(request) {
  const cache = await caches.open(MEDIA_CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.status === 200 && response.type === "basic") {
    await cache.put(request, response.clone());
  }
  return response;
}

async function feed(request) {
  const cache = await caches.open(FEED_CACHE);
  try {
    const response = await withTimeout(fetch(request));
    if (response.status === 200) await cache.put(FEED, response.clone());
    if (response.status === 401) await cache.delete(FEED);
    return response;
  } catch (error) {
    const cached = await cache.match(FEED, { ignoreVary: true });
    if (!cached) throw error;
    const headers = new Headers(cached.headers);
    headers.set("X-Screens-Offline", "1");
    return new Response(await cached.blob(), { status: 200, headers });
  }
}

async function networkFirst(request, key) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await withTimeout(fetch(request));
    if (response.status === 200) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key, { ignoreVary: true, ignoreSearch: true });
    if (!cached) throw error;
    return cached;
  }
}
