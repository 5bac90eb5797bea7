/* Service worker: keeps the pages of the coming week's sessions on the phone, serves them without a
   connection, and keeps a session form sent without a connection in the queue (sent later by offline.js). */
importScripts("/static/js/queue.js");

const PAGES = "lms-pages-1";
const ASSETS = "lms-assets-1";
const FALLBACK = "/offline/";
const FORM = /^\/sessions\/(\d+)\/(scores\/)?$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

self.addEventListener("message", (e) => {
  const m = e.data || {};
  const done = m.keep ? keep(m.keep) : Promise.resolve();
  e.waitUntil(done.then(() => e.ports[0] && e.ports[0].postMessage("kept")));
});

// Fetch a page and keep it, marked with its version; a page that sends to the sign-in page is not kept.
async function put(cache, url, version) {
  const r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  if (!r.ok || r.redirected) return;
  const headers = new Headers(r.headers);
  headers.set("x-kept", version);
  await cache.put(url, new Response(await r.blob(), { status: r.status, headers }));
}

// Keep the pages the server lists (fetching only new or changed ones) and drop the others.
async function keep(m) {
  const pages = await caches.open(PAGES);
  const wanted = m.pages.concat({ url: m.fallback, v: "" });
  const urls = new Set(wanted.map((p) => p.url));
  for (const req of await pages.keys()) if (!urls.has(new URL(req.url).pathname)) await pages.delete(req);
  for (const p of wanted) {
    const hit = await pages.match(p.url);
    if (!hit || !p.v || hit.headers.get("x-kept") !== p.v) await put(pages, p.url, p.v).catch(() => {});
  }
  await (await caches.open(ASSETS)).addAll(m.assets).catch(() => {});
}

self.addEventListener("fetch", (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (req.method === "POST" && req.mode === "navigate" && FORM.test(url.pathname)) e.respondWith(post(req));
  else if (req.method !== "GET") return;
  else if (url.pathname.startsWith("/static/")) e.respondWith(asset(req));
  else if (req.mode === "navigate") e.respondWith(page(req, url));
});

// Pages: the network first (a kept page is refreshed on the way), the kept copy or the offline page without it.
async function page(req, url) {
  const pages = await caches.open(PAGES);
  try {
    const r = await fetch(req);
    if (r.ok && !r.redirected && !url.search && (await pages.match(url.pathname))) {
      await pages.put(url.pathname, r.clone());
    }
    return r;
  } catch (err) {
    return (await pages.match(url.pathname)) || (await pages.match(FALLBACK)) || Response.error();
  }
}

// Kept static files: the kept copy at once, refreshed in the background; others from the network.
async function asset(req) {
  const cache = await caches.open(ASSETS);
  const hit = await cache.match(req);
  const net = fetch(req).then((r) => (r.ok && hit ? cache.put(req, r.clone()).then(() => r) : r));
  if (!hit) return net;
  net.catch(() => {});
  return hit;
}

// A session form: sent as usual; without a connection, kept in the queue, then back to the session page.
async function post(req) {
  const form = await req.clone().formData();
  try {
    return await fetch(req);
  } catch (err) {
    const item = toItem(form);
    if (!item) return Response.error();
    await lmsQueue.add(item);
    return Response.redirect(`/sessions/${item.session}/`, 303);
  }
}

// The form's fields as a submission: what the form showed when it was kept ("seen") and what was recorded.
function toItem(form) {
  const state = JSON.parse(form.get("offline") || "null");
  if (!state) return null;
  const data = {};
  for (const [name, value] of form) {
    let m;
    if (state.kind === "attendance") {
      if ((m = /^status_(\d+)$/.exec(name))) data[m[1]] = value;
      else if (name === "notes") data.notes = value;
    } else if ((m = /^(pre|post)_(\d+)$/.exec(name))) {
      data[`${m[2]}:${m[1]}`] = value === "" ? null : /^\d+$/.test(value) ? Number(value) : value;
    }
  }
  return {
    id: crypto.randomUUID(),
    user: state.user,
    session: state.session,
    kind: state.kind,
    seen: state.seen,
    data,
    made_at: new Date().toISOString(),
  };
}
