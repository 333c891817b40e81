#!/usr/bin/env bash
# Build {{id}}.wasm from app.py + plugin.py against wit/plugin.wit. Needs
# python3 (3.10+) with venv; installs the pinned componentize-py
# (requirements.txt) into a private venv under the tool cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${WASMDASH_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasmdash-tools}"
# One venv per pinned requirements file, shared with wasmdash's examples.
venv="$cache/py-$(sha256sum "$here/requirements.txt" | cut -c1-12)"

if [ ! -x "$venv/bin/componentize-py" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi

cd "$here"
python3 -m unittest --quiet
out="$here/{{id}}.wasm"
"$venv/bin/componentize-py" --quiet -d "$here/wit" -w widget componentize app -o "$out.part"
mv "$out.part" "$out"
echo "built $out ($(du -h "$out" | cut -f1))"
