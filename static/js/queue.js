/* The submissions recorded without a connection, kept in IndexedDB until the server has answered them.
   Shared by the page script (offline.js) and the service worker (sw.js). */
var lmsQueue = (() => {
  const open = () =>
    new Promise((ok, ko) => {
      const req = indexedDB.open("lms-offline", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("queue", { keyPath: "id" });
      req.onsuccess = () => ok(req.result);
      req.onerror = () => ko(req.error);
    });
  // Runs fn(store) in one transaction; resolves with the result of the request fn returns, once committed.
  const run = async (mode, fn) => {
    const db = await open();
    return new Promise((ok, ko) => {
      const tx = db.transaction("queue", mode);
      const req = fn(tx.objectStore("queue"));
      tx.oncomplete = () => {
        db.close();
        ok(req && req.result);
      };
      tx.onerror = tx.onabort = () => ko(tx.error);
    });
  };
  return {
    all: () => run("readonly", (s) => s.getAll()),
    // A new record of a session replaces one of the same kind still waiting: each is the whole form.
    add: (item) =>
      run("readwrite", (s) => {
        s.openCursor().onsuccess = (e) => {
          const c = e.target.result;
          if (!c) return s.put(item);
          const v = c.value;
          if (!v.reason && v.user === item.user && v.session === item.session && v.kind === item.kind) c.delete();
          c.continue();
        };
      }),
    put: (item) => run("readwrite", (s) => s.put(item)),
    remove: (ids) => run("readwrite", (s) => ids.forEach((id) => s.delete(id))),
    clear: () => run("readwrite", (s) => s.clear()),
  };
})();
