/* Estate Desk (物业服务台) service worker: keeps the app shell so the desk works offline.
 *
 * - install:   precache the app shell (fixed names: Trunk.toml sets filehash = false), then
 *              skipWaiting so a new worker takes over at once.
 * - activate:  drop caches of other versions, clients.claim().
 * - navigation: network first (fresh index.html when online), cached index.html when offline.
 * - other same-origin GETs: cache first, refreshed in the background.
 *   The wasm-bindgen glue and its .wasm must come from the same build, so the shell files are
 *   not refreshed one by one while a page is loading them: the page asks for a refresh
 *   ("refresh-shell") once the app has started, and the whole set is replaced only if every
 *   file downloaded. A new build is therefore used from the next load on.
 *
 * Bump CACHE_VERSION when the list below or this worker's logic changes.
 */
const CACHE_VERSION = 1;
const CACHE_PREFIX = "estate-desk-";
const CACHE = `${CACHE_PREFIX}v${CACHE_VERSION}`;

/* Paths relative to the worker's scope, so the app can live in a sub-folder of a host. */
const SHELL = [
  "./",
  "index.html",
  "estate-desk.js",
  "estate-desk_bg.wasm",
  "app.css",
  "manifest.webmanifest",
  "icons/icon-192.png",
  "icons/icon-512.png",
  "icons/maskable-192.png",
  "icons/maskable-512.png",
];

const scoped = (path) => new URL(path, self.registration.scope).href;
const SHELL_URLS = new Set(SHELL.map(scoped));
const INDEX_URL = scoped("index.html");

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((p) => new Request(scoped(p), { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith(CACHE_PREFIX) && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

/* Downloads every shell file; replaces the cached set only when all of them arrived. */
async function refreshShell() {
  const responses = await Promise.all(
    SHELL.map(async (p) => {
      const response = await fetch(new Request(scoped(p), { cache: "no-cache" }));
      if (!response.ok) throw new Error(`${p}: HTTP ${response.status}`);
      return [scoped(p), response];
    }),
  );
  const cache = await caches.open(CACHE);
  await Promise.all(responses.map(([url, response]) => cache.put(url, response)));
}

self.addEventListener("message", (event) => {
  if (event.data === "refresh-shell") {
    event.waitUntil(refreshShell().catch(() => {}));
  }
});

async function networkFirstNavigation(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    const url = new URL(request.url);
    url.search = "";
    url.hash = "";
    if (response.ok && (url.href === scoped("./") || url.href === INDEX_URL)) {
      await cache.put(INDEX_URL, response.clone());
    }
    return response;
  } catch (err) {
    const cached = (await cache.match(INDEX_URL)) || (await cache.match(scoped("./")));
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(event) {
  const request = event.request;
  const key = stripSearch(request.url);
  const isShell = SHELL_URLS.has(key);
  const cache = await caches.open(CACHE);
  const cached = await cache.match(isShell ? key : request);
  const fromNetwork = () =>
    fetch(request).then(async (response) => {
      if (response.status === 200 && response.type === "basic") {
        await cache.put(isShell ? key : request, response.clone());
      }
      return response;
    });
  if (cached) {
    // Shell files are refreshed as a set (see refreshShell); anything else one by one.
    if (!isShell) event.waitUntil(fromNetwork().catch(() => {}));
    return cached;
  }
  return fromNetwork();
}

function stripSearch(href) {
  const url = new URL(href);
  url.search = "";
  url.hash = "";
  return url.href;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (!request.url.startsWith(self.registration.scope)) return;
  if (request.headers.has("range")) return;

  if (request.mode === "navigate") {
    event.respondWith(networkFirstNavigation(request));
  } else {
    event.respondWith(cacheFirst(event));
  }
});
