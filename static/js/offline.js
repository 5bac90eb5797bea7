/* Running sessions offline (loaded only for people who run sessions; every page works without it).
   Keeps the coming week's session pages on the phone (through the service worker, sw.js), shows what waits
   to be sent, sends it when the connection returns or on "Send now", and clears it all on signing out. */
(() => {
  if (!("serviceWorker" in navigator) || !window.indexedDB || !window.lmsQueue) return;
  const Q = window.lmsQueue;
  const S = JSON.parse(document.getElementById("offline-strings").textContent);
  const U = S.urls;
  const plural = (key, n) => S[`${key}_${n === 1 ? "one" : "other"}`].replace("%(count)s", n);
  const form = document.querySelector("form[data-offline]");
  const here = form && JSON.parse(form.elements.offline.value);
  const state = { conflicts: 0, signin: false, failed: false, busy: false, sent: false };
  let owner = S.user;
  let retry = 0;
  let delay = 1000;

  const bar = document.createElement("div");
  bar.className = "notice offline-bar";
  bar.setAttribute("role", "status");
  bar.hidden = true;
  const main = document.getElementById("main");
  main.insertBefore(bar, main.firstChild);

  const el = (tag, text, attrs = {}) => Object.assign(document.createElement(tag), { textContent: text }, attrs);

  async function render() {
    const items = await Q.all();
    const mine = items.filter((i) => i.user === owner && !i.reason);
    const others = items.filter((i) => i.user !== owner);
    const refused = items.filter((i) => i.user === owner && i.reason);
    const lines = [];
    if (!navigator.onLine) lines.push(S.offline);
    if (here && mine.some((i) => i.session === here.session)) lines.push(S.saved);
    if (mine.length) lines.push(plural("waiting", mine.length));
    if (others.length) lines.push(plural("other_account", others.length));
    if (state.busy) lines.push(S.sending);
    else if (state.signin) lines.push(S.signin);
    else if (state.failed) lines.push(S.failed);
    else if (state.sent && !mine.length) lines.push(S.sent);
    if (state.conflicts) lines.push(plural("conflicts", state.conflicts));
    refused.forEach((i) => lines.push(S.refused.replace("%(reason)s", i.reason)));
    bar.replaceChildren(...lines.map((line) => el("p", line)));
    const actions = el("p", "");
    if (mine.length && navigator.onLine && !state.busy && !state.signin) {
      actions.append(el("button", S.send, { type: "button", className: "secondary", onclick: send }));
    }
    if (state.signin) actions.append(el("a", S.signin_link, { href: `${U.login}?next=${location.pathname}` }));
    if (state.conflicts) actions.append(el("a", S.resolve, { href: U.conflicts, className: "button secondary" }));
    if (refused.length) {
      const dismiss = () => Q.remove(refused.map((i) => i.id)).then(render);
      actions.append(el("button", S.dismiss, { type: "button", className: "secondary", onclick: dismiss }));
    }
    if (actions.childNodes.length) bar.append(actions);
    bar.hidden = !lines.length;
  }

  // The form shows what waits on this phone for it, and a session of a later day opens on its day.
  async function fill() {
    if (!form) return;
    const waiting = (await Q.all()).filter(
      (i) => i.user === here.user && i.session === here.session && i.kind === here.kind && !i.reason,
    );
    const last = waiting.pop();
    if (last) {
      for (const [key, value] of Object.entries(last.data)) {
        const [id, test] = key.split(":");
        if (key === "notes") form.elements.notes.value = value;
        else if (test && form.elements[`${test}_${id}`]) form.elements[`${test}_${id}`].value = value ?? "";
        else form.querySelectorAll(`[name="status_${id}"]`).forEach((r) => (r.checked = r.value === value));
      }
    }
    const d = new Date();
    const today = [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, "0")).join("-");
    if (form.dataset.offlineFrom && form.dataset.offlineFrom <= today) {
      form.hidden = false;
      document.querySelectorAll("[data-offline-until]").forEach((p) => (p.hidden = true));
    }
  }

  const json = (url, options) => fetch(url, { credentials: "same-origin", cache: "no-store", ...options });

  async function token() {
    const r = await json(U.token);
    if (r.status === 401 || r.status === 403) throw new Error("signin");
    if (!r.ok) throw new Error("failed");
    return r.json();
  }

  // Send what waits, twenty at a time; each answered submission leaves the queue (a refused one stays, with
  // its reason, until dismissed). Anything unanswered stays and is sent again: the server applies it once.
  async function send() {
    if (state.busy || !navigator.onLine || !(await Q.all()).some((i) => !i.reason)) return;
    state.busy = true;
    state.failed = state.signin = false;
    clearTimeout(retry);
    render();
    try {
      let t = await token();
      owner = t.user;
      let items = (await Q.all()).filter((i) => i.user === owner && !i.reason);
      while (items.length) {
        const batch = items.slice(0, 20);
        const body = JSON.stringify({ items: batch });
        const post = () =>
          json(U.submit, { method: "POST", body, headers: { "Content-Type": "application/json", "X-CSRFToken": t.csrf } });
        let r = await post();
        if (r.status === 403) {
          t = await token(); // the token rotated (signed in again): once more with a fresh one
          r = await post();
        }
        if (r.status === 401 || r.status === 403) throw new Error("signin");
        if (!r.ok) throw new Error("failed");
        const answered = [];
        for (const a of (await r.json()).results) {
          const item = batch.find((i) => i.id === a.id);
          if (a.outcome === "refused" && item) await Q.put({ ...item, reason: a.reason });
          else answered.push(a.id);
          if (a.outcome === "conflict") state.conflicts += 1;
        }
        await Q.remove(answered);
        items = items.slice(20);
      }
      state.sent = true;
      delay = 1000;
    } catch (err) {
      state[err.message === "signin" ? "signin" : "failed"] = true;
      if (state.failed) retry = setTimeout(send, (delay = Math.min(delay * 2, 3e5))); // a flaky link: try again later
    } finally {
      state.busy = false;
      render();
    }
  }

  // Keep the coming week's sessions (on the dashboard and peer area at each visit, elsewhere every 15 minutes).
  async function keep() {
    const entry = [U.dashboard, U.peer].includes(location.pathname);
    if (!navigator.onLine || (!entry && Date.now() - (localStorage.lmsKept || 0) < 9e5)) return;
    const r = await json(U.kept);
    if (!r.ok) return;
    const manifest = await r.json();
    const reg = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => (document.body.dataset.offlineKept = manifest.pages.length);
    reg.active.postMessage({ keep: manifest }, [channel.port2]);
    localStorage.lmsKept = Date.now();
  }

  // Signing out deletes the children's data kept on this phone, after a warning when something waits.
  const out = document.querySelector("form[data-offline-signout]");
  if (out) {
    out.addEventListener("submit", async (e) => {
      e.preventDefault();
      const waiting = (await Q.all()).filter((i) => !i.reason).length;
      if (waiting && !window.confirm(S.signout)) return;
      await Q.clear();
      for (const name of await caches.keys()) await caches.delete(name);
      localStorage.removeItem("lmsKept");
      out.submit();
    });
  }

  window.addEventListener("online", () => send().then(keep));
  window.addEventListener("offline", render);
  navigator.serviceWorker.register(U.sw, { scope: "/" }).then(keep).catch(() => {});
  fill()
    .then(render)
    .then(() => navigator.onLine && send());
})();
