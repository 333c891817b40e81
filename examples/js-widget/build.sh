#!/usr/bin/env bash
# Build weekday-heatmap.wasm from widget.js + heatmap.js against the plugin
# WIT. Needs node 20+ and npm; installs the pinned componentize-js and jco
# (package-lock.json) from npm into the tool cache (nothing global).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wit="$here/../../widget-sdk/wit"
cache="${WASMDASH_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasmdash-tools}"
# One install per lockfile, so a version bump gets a fresh one.
tools="$cache/js-$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-12)"

if [ ! -x "$tools/node_modules/.bin/componentize-js" ]; then
  rm -rf "$tools"
  mkdir -p "$tools"
  cp "$here/package.json" "$here/package-lock.json" "$tools/"
  (cd "$tools" && npm ci --silent --no-audit --no-fund)
fi

cd "$here"
node --test --test-reporter=dot
out="$here/weekday-heatmap.wasm"
# Relative imports resolve from the working directory. No WASI HTTP: the
# host links no network, and a widget needs none.
"$tools/node_modules/.bin/componentize-js" widget.js --wit "$wit" --world-name widget \
  --disable http fetch-event -o "$out.part" >/dev/null
mv "$out.part" "$out"
echo "built $out ($(du -h "$out" | cut -f1))"
