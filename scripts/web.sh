#!/usr/bin/env bash
# galmass — builds the web app (app/, wasm32) into a static folder, and serves it.
#
#   scripts/web.sh build             # debug build → www/dist (what CI tests)
#   scripts/web.sh build --release   # profile wasm-release + wasm-opt -Oz → www/dist-release
#   scripts/web.sh serve [--release] # build, then serve on http://127.0.0.1:8080
#
# What it does is what Trunk did for this app, with no tool to compile first (Trunk took
# ~15 minutes of CI's clean run to install): cargo builds the `galmass-app` library (cdylib) for
# wasm32-unknown-unknown, wasm-bindgen (the CLI at exactly the Cargo.lock version of the
# wasm-bindgen library; scripts/test.sh installs it) writes the ES module and the .wasm, and
# www/index.html and www/worker.js (the page's Web Worker) are copied with the file names
# hashed by content, so a browser never mixes an
# old .wasm with a new .js. Release builds run wasm-opt -Oz from npm binaryen@132
# (scripts/wasm-opt; Debian's binaryen 108 produces a wasm that fails at page load).
# Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

verb=${1:-}
[ "$verb" = build ] || [ "$verb" = serve ] || usage
shift
release=0
for a in "$@"; do
  case $a in
  --release) release=1 ;;
  *) usage ;;
  esac
done

target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
if [ "$release" = 1 ]; then
  profile=wasm-release
  dist=${GALMASS_DIST:-www/dist-release}
else
  profile=dev
  dist=${GALMASS_DIST:-www/dist}
fi
profile_dir=$profile
[ "$profile" = dev ] && profile_dir=debug

wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen ${wbg}" ]; then
  echo "error: wasm-bindgen ${wbg} (the Cargo.lock version) is needed:" >&2
  echo "  cargo install wasm-bindgen-cli --version =${wbg}   (or run scripts/test.sh once)" >&2
  exit 2
fi

cargo build -p galmass-app --lib --target wasm32-unknown-unknown --profile "$profile"
wasm="$target_dir/wasm32-unknown-unknown/$profile_dir/galmass_app.wasm"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$stage" --out-name galmass-app "$wasm"
if [ "$release" = 1 ]; then
  (cd scripts/wasm-opt && { [ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund; })
  "$ROOT/scripts/wasm-opt/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$stage/galmass-app_bg.wasm" -o "$stage/opt.wasm"
  mv "$stage/opt.wasm" "$stage/galmass-app_bg.wasm"
fi

# Content hashes (16 hex digits of SHA-256) in the file names.
h() { sha256sum "$1" | cut -c1-16; }
js_hash=$(cat "$stage/galmass-app.js" "$stage/galmass-app_bg.wasm" | sha256sum | cut -c1-16)
css_hash=$(h www/style.css)
js="galmass-app-${js_hash}.js"
wasm_out="galmass-app-${js_hash}_bg.wasm"
css="style-${css_hash}.css"
# The module names its .wasm only as the default of init(); index.html passes it explicitly.
mv "$stage/galmass-app.js" "$stage/$js"
mv "$stage/galmass-app_bg.wasm" "$stage/$wasm_out"
cp www/style.css "$stage/$css"
# The Web Worker imports the same module and wasm.
sed -e "s|/galmass-app.js|/$js|g" -e "s|/galmass-app_bg.wasm|/$wasm_out|g" \
  www/worker.js >"$stage/worker.js"
worker="worker-$(h "$stage/worker.js").js"
mv "$stage/worker.js" "$stage/$worker"
sed -e "s|href=\"style.css\"|href=\"/$css\"|" \
  -e "s|/galmass-app.js|/$js|g" \
  -e "s|/galmass-app_bg.wasm|/$wasm_out|g" \
  -e "s|/worker.js|/$worker|g" \
  www/index.html >"$stage/index.html"

# Replace the folder in one step, so a running server never sees half a build.
rm -rf "$dist.old"
[ -d "$dist" ] && mv "$dist" "$dist.old"
mkdir -p "$(dirname "$dist")"
cp -r "$stage" "$dist"
chmod 755 "$dist"
rm -rf "$dist.old"
echo "web app: $dist ($(du -sh "$dist/$wasm_out" | cut -f1) wasm, profile $profile)"

if [ "$verb" = serve ]; then
  command -v node >/dev/null || {
    echo "error: node is needed to serve (Debian: apt-get install nodejs)" >&2
    exit 2
  }
  exec node tests/e2e/serve.mjs "$dist"
fi
