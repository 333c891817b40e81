#!/usr/bin/env bash
# Build bullet-chart.wasm from app.py + bullet.py against the plugin WIT.
# Needs python3 (3.10+) with venv; installs the pinned componentize-py from
# PyPI into a private venv under the tool cache (nothing global).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wit="$here/../../widget-sdk/wit"
cache="${WASMDASH_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasmdash-tools}"
# One venv per pinned requirements file, so a version bump gets a fresh one.
venv="$cache/py-$(sha256sum "$here/requirements.txt" | cut -c1-12)"

if [ ! -x "$venv/bin/componentize-py" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi

cd "$here"
python3 -m unittest --quiet test_bullet
out="$here/bullet-chart.wasm"
"$venv/bin/componentize-py" --quiet -d "$wit" -w widget componentize app -o "$out.part"
mv "$out.part" "$out"
echo "built $out ($(du -h "$out" | cut -f1))"
