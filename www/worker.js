// The galmass Web Worker: the page's own module and wasm (scripts/web.sh hashes the names
// below, as in index.html), started without a page. galmass_app::start() finds no window,
// serves the page's requests (Classroom builds, CPU runs of the CNN) and says "ready".
import init from "/galmass-app.js";
await init({ module_or_path: "/galmass-app_bg.wasm" });
