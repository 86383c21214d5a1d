// Inlined at the top of each bundle's page (Trunk's `rel="inline"`), so that it runs before
// anything else loads: it starts at once the first GET requests the page will make (who is
// signed in, and the data of a few pages: see `early`), so that they travel while the wasm
// downloads and compiles instead of after it. The app's API client takes each answer once
// through `window.earlyResponse(path)` (src/api/mod.rs), only during the page's first seconds:
// later it asks the server again, so no answer is ever older than the page.
(() => {
  // The requests a page path starts besides `/api/me`.
  const early = (path) => {
    const paths = [];
    if (path === "/console" || path.startsWith("/console/")) {
      paths.push("/api/console/suspensions");
    }
    const page = { "/console": "/api/console/dashboard", "/console/users": "/api/console/users" }[path];
    if (page) paths.push(page);
    return paths;
  };
  const FRESH_MS = 10000;
  const started = new Map();
  for (const path of ["/api/me", ...early(location.pathname)]) {
    const response = fetch(path, { credentials: "same-origin" });
    response.catch(() => {}); // a failure is the caller's to report, if it takes the answer
    started.set(path, response);
  }
  window.earlyResponse = (path) => {
    const response = started.get(path);
    started.delete(path);
    return performance.now() < FRESH_MS ? response : undefined;
  };
})();
