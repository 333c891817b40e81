#!/usr/bin/env bash
# Build {{id}}.wasm from widget.js + plugin.js against wit/plugin.wit.
# Needs node 20+ and npm; installs the pinned componentize-js and jco
# (tools/package-lock.json, the same pins as wasmdash's examples/js-widget)
# from npm into the tool cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${WASMDASH_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasmdash-tools}"
# One install per lockfile, shared with wasmdash's examples.
tools="$cache/js-$(cat "$here/tools/package.json" "$here/tools/package-lock.json" | sha256sum | cut -c1-12)"

if [ ! -x "$tools/node_modules/.bin/componentize-js" ]; then
  rm -rf "$tools"
  mkdir -p "$tools"
  cp "$here/tools/package.json" "$here/tools/package-lock.json" "$tools/"
  (cd "$tools" && npm ci --silent --no-audit --no-fund)
fi

cd "$here"
node --test --test-reporter=dot
out="$here/{{id}}.wasm"
# No WASI HTTP: the host links no network, and a widget needs none.
"$tools/node_modules/.bin/componentize-js" widget.js --wit "$here/wit" --world-name widget \
  --disable http fetch-event -o "$out.part" >/dev/null
mv "$out.part" "$out"
echo "built $out ($(du -h "$out" | cut -f1))"
