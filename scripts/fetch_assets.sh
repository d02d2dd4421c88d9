#!/usr/bin/env bash
# Vendor the site's front-end assets from the npm registry at pinned versions, so the site makes no request to a
# CDN: KaTeX (formulas, rendered at build time; readers load its CSS and fonts) and the iframe-worker shim
# (Material's offline plugin needs it so that search runs from file://; left to itself it loads it from unpkg.com),
# and Pyodide, the Python runtime of the coding questions' judge (hooks/judge.py): only the files that pure-Python
# code needs, no package wheels; readers download it only when they press "Run tests".
# Idempotent: a package whose pinned version is already vendored is skipped.
set -euo pipefail
KATEX_VERSION="0.19.1"
IFRAME_WORKER_VERSION="1.0.4"
PYODIDE_VERSION="314.0.8"
root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/docs/assets/vendor"

# fetch NAME VERSION: unpack the npm package into $work/package unless docs/assets/vendor/NAME has that version.
fetch() {
  local name="$1" version="$2"
  dest="$vendor/$name"
  if [ -f "$dest/.version" ] && [ "$(cat "$dest/.version")" = "$version" ]; then
    return 1
  fi
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  tar -xzf "$work/$name-$version.tgz" -C "$work"
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$work/package/LICENSE" "$dest/" 2>/dev/null || true
}

# done NAME VERSION: stamp the vendored copy and clean up.
done_with() {
  echo "$2" > "$vendor/$1/.version"
  rm -rf "$work"
  echo "$1 $2 vendored into docs/assets/vendor/$1"
}

if fetch katex "$KATEX_VERSION"; then
  cp "$work/package/dist/katex.min.js" "$work/package/dist/katex.min.css" "$dest/"
  cp -r "$work/package/dist/fonts" "$dest/"
  done_with katex "$KATEX_VERSION"
fi

if fetch iframe-worker "$IFRAME_WORKER_VERSION"; then
  cp "$work/package/shim/index.js" "$dest/shim.js"
  done_with iframe-worker "$IFRAME_WORKER_VERSION"
fi

if fetch pyodide "$PYODIDE_VERSION"; then
  for file in pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip pyodide-lock.json; do
    cp "$work/package/$file" "$dest/"
  done
  done_with pyodide "$PYODIDE_VERSION"
fi
