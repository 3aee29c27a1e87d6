// The playground's service worker: after the first visit the site works with no network. It keeps this build's
// files (the list and the version are written in by the post-build hook, scripts/offline-manifest.py) in a cache
// named after the build. Hashed files (the wasm, its glue, the CSS) come from the cache first; the page itself and
// worker.js, whose names do not change, from the network first, so a new deploy is picked up on the next visit, and
// from the cache when there is no network. A new build installs beside the old one and, once active, deletes the
// old build's cache.
const VERSION = '__BUILD_VERSION__';
const FILES = __BUILD_FILES__;
const CACHE = `playground-${VERSION}`;
const scoped = (f) => new URL(f, self.registration.scope).href;
// Names with a content hash in them: they never change, so the cache's copy is the file.
const hashed = (url) => /-[0-9a-f]{16}(_bg)?\.(js|wasm|css|svg)$/.test(new URL(url).pathname);

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES.map(scoped))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('playground-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (e) => {
  if (e.data === 'version') e.source?.postMessage({ version: VERSION });
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  if (hashed(req.url)) {
    e.respondWith(caches.match(req.url).then((hit) => hit ?? fetch(req)));
    return;
  }
  // The page (any navigation in scope is the one page) and worker.js: the network's, else the cached copy.
  const key = req.mode === 'navigate' ? scoped('index.html') : req.url;
  e.respondWith(fetch(req).catch(() => caches.match(key).then((hit) => hit ?? Response.error())));
});
