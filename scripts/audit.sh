#!/usr/bin/env bash
# `make audit`: Lighthouse scores of at least 0.95 for performance, accessibility, best practices and SEO on the
# home page, an answer page and a notebook page of the built site, under Lighthouse's mobile (default) and desktop
# settings (scripts/audit.py does the work).
#
#   bash scripts/audit.sh [SITE_DIR] [audit.py options]      (SITE_DIR defaults to site/, built by `make build`)
#
# Lighthouse is the npm package pinned in package.json and package-lock.json (12.2.3: Lighthouse 13 needs
# Node 22), installed into node_modules/ with `npm ci` on first use. It runs Debian's Chromium headless:
# CHROME_PATH (or CHROMIUM) names another binary.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
site="${1:-$root/site}"
shift || true
if [ "$(cat "$root/node_modules/lighthouse/package.json" 2>/dev/null | grep -o '"version": "[^"]*"')" != '"version": "12.2.3"' ]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi
export CHROME_PATH="${CHROME_PATH:-${CHROMIUM:-/usr/bin/chromium}}"
exec "${PYTHON:-$root/.venv/bin/python}" "$root/scripts/audit.py" "$site" "$@"
