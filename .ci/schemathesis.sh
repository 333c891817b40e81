#!/usr/bin/env bash
# Fuzz every /api/v1 operation of a demo server with schemathesis, as an
# admin with an API token: the OpenAPI document must validate as 3.1 and no
# request may get a 5xx. Pinned tools from PyPI go into a private venv
# under the tool cache; the wasmdash binary is the debug build of this
# checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VALIDATOR_VERSION=0.9.0
cache="${WASMDASH_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasmdash-tools}"
venv="$cache/schemathesis-$SCHEMATHESIS_VERSION-$VALIDATOR_VERSION"
if [ ! -x "$venv/bin/schemathesis" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$VALIDATOR_VERSION"
fi

target="${CARGO_TARGET_DIR:-target}"
cargo build --quiet --workspace --bins  # -p would resolve fewer features and rebuild wasmtime
bin="$target/debug/wasmdash"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
WASMDASH_ADMIN_PASSWORD="schemathesis admin password" RUST_LOG=warn \
  "$bin" demo --data-dir "$work/demo" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q "listening on" "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
grep -q "listening on" "$work/server.log" || { echo "the demo server did not start"; cat "$work/server.log"; exit 1; }

# A token through the running server's admin socket.
token="$("$bin" token create --user admin --name schemathesis --config "$work/demo/wasmdash.toml" | tail -n 1)"

"$venv/bin/python" - "$base/api/v1/openapi.json" <<'PY'
import json, sys, urllib.request
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator
doc = json.load(urllib.request.urlopen(sys.argv[1]))
assert doc["openapi"].startswith("3.1"), doc["openapi"]
validate(doc, cls=OpenAPIV31SpecValidator)
print(f"openapi.json: valid OpenAPI {doc['openapi']}, {len(doc['paths'])} paths")
PY

# Server errors are the failure that matters; responses must also match
# the documented schemas and content types.
"$venv/bin/schemathesis" --config-file .ci/schemathesis.toml run "$base/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-30}" \
  --workers 2 \
  --request-timeout 30 \
  --suppress-health-check all \
  --generation-database none \
  --no-color
