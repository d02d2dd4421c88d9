#!/usr/bin/env bash
# Fetch KaTeX from the npm registry at a pinned version and vendor its dist files into the site,
# so formulas render without any CDN. Idempotent: does nothing when the pinned version is present.
set -euo pipefail
KATEX_VERSION="0.19.1"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/docs/assets/vendor/katex"
stamp="$dest/.version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$KATEX_VERSION" ]; then
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "katex@$KATEX_VERSION" >/dev/null)
tar -xzf "$work/katex-$KATEX_VERSION.tgz" -C "$work"
rm -rf "$dest"
mkdir -p "$dest/contrib"
cp "$work/package/dist/katex.min.js" "$work/package/dist/katex.min.css" "$dest/"
cp "$work/package/dist/contrib/auto-render.min.js" "$dest/contrib/"
cp -r "$work/package/dist/fonts" "$dest/"
cp "$work/package/LICENSE" "$dest/"
echo "$KATEX_VERSION" > "$stamp"
echo "KaTeX $KATEX_VERSION vendored into docs/assets/vendor/katex"
