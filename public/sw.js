/* Estate Desk (物业服务台) service worker: keeps the app shell so the desk works offline.
 *
 * One cache per build (issue 12). BUILD is written into this file and into index.html at build
 * time (Trunk's post_build hook, .ci/build-id.sh: a hash of the built files), so every build
 * has its own sw.js bytes and its own cache "estate-desk-<build>@<scope path>". The scope is
 * in the name because caches belong to the whole host: two copies of the desk on one host
 * (say /desk/ and the next build on trial at /desk-next/) must never drop each other's caches.
 *
 * - install:   download the whole shell of this build into its own cache (bypassing the HTTP
 *              cache) and check that the index.html it got is of this build; any failure
 *              discards this worker and the open app keeps running on the old one. A new worker
 *              then waits: it takes over only when the page asks ("skip-waiting", sent when
 *              the user taps "Update ready — reload"). On a first visit there is nothing to
 *              wait for and it activates at once.
 * - activate:  drop the caches of this scope's other builds (and of builds before the scope
 *              was in the name, which cannot say whose they were), clients.claim().
 * - fetch:     navigations get this build's index.html, shell files come from this build's
 *              cache, so index.html, the wasm-bindgen glue and the .wasm always come from one
 *              build. Other same-origin GETs: cache first, refreshed in the background.
 */
const BUILD = "__ESTATE_DESK_BUILD__";
const CACHE_PREFIX = "estate-desk-";
const SCOPE_PATH = new URL(self.registration.scope).pathname;
const CACHE = `${CACHE_PREFIX}${BUILD}@${SCOPE_PATH}`;
/* This scope's caches, and those named before the scope was part of the name. */
const mine = (key) =>
  key.startsWith(CACHE_PREFIX) && (!key.includes("@") || key.slice(key.indexOf("@") + 1) === SCOPE_PATH);

/* Paths relative to the worker's scope, so the app can live in a sub-folder of a host. */
const SHELL = [
  "./",
  "index.html",
  "estate-desk.js",
  "estate-desk_bg.wasm",
  // The SOP areas' modules (issue 19), loaded on first use: .ci/wasm-split.sh writes their
  // names here.
  /* __ESTATE_DESK_SPLIT__ */
  // The office worker (issue 19: XLSX for the monthly pack and finance's arrears list), loaded
  // on first use but precached so it works offline.
  "office_loader.js",
  "office.js",
  "office_bg.wasm",
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
const WASM_URLS = SHELL.filter((p) => p.endsWith(".wasm")).map(scoped);

async function installShell() {
  const cache = await caches.open(CACHE);
  try {
    await cache.addAll(SHELL.map((p) => new Request(scoped(p), { cache: "reload" })));
    // The wasm is compiled by streaming (WebAssembly.instantiateStreaming in the wasm-bindgen
    // glue) straight from this cache, which lets the browser keep its compiled code for every
    // later start (issue 19). Streaming needs the application/wasm type: a host that serves
    // another one gets it fixed here, once, instead of a slower fallback on every start.
    for (const url of WASM_URLS) {
      const wasm = await cache.match(url);
      if (wasm && wasm.headers.get("content-type") !== "application/wasm") {
        const body = await wasm.blob();
        await cache.put(url, new Response(body, { headers: { "Content-Type": "application/wasm" } }));
      }
    }
    const index = await cache.match(INDEX_URL);
    const text = index ? await index.text() : "";
    if (!text.includes(BUILD)) {
      throw new Error(`index.html on the server is not of build ${BUILD}`);
    }
  } catch (err) {
    await caches.delete(CACHE);
    throw err;
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(installShell());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => mine(key) && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

async function navigation(request) {
  const cache = await caches.open(CACHE);
  const cached = (await cache.match(INDEX_URL)) || (await cache.match(scoped("./")));
  if (cached) return cached;
  return fetch(request);
}

async function cacheFirst(event) {
  const request = event.request;
  const key = stripSearch(request.url);
  const isShell = SHELL_URLS.has(key);
  const cache = await caches.open(CACHE);
  const cached = await cache.match(isShell ? key : request);
  if (cached) {
    // Shell files change only with a new build (a new worker); anything else is refreshed.
    if (!isShell) event.waitUntil(fromNetwork(cache, request, false).catch(() => {}));
    return cached;
  }
  return fromNetwork(cache, request, isShell);
}

function fromNetwork(cache, request, isShell) {
  return fetch(request).then(async (response) => {
    // A shell file missing from this build's cache is served but not mixed into it.
    if (!isShell && response.status === 200 && response.type === "basic") {
      await cache.put(request, response.clone());
    }
    return response;
  });
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
    event.respondWith(navigation(request));
  } else {
    event.respondWith(cacheFirst(event));
  }
});
