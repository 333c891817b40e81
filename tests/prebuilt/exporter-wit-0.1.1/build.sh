#!/usr/bin/env bash
# Rebuild ../exporter-wit-0.1.1.wasm. Run only to replace the fixture on
# purpose: the point of the committed bytes is that they do not change
# when the WIT, the SDK or wit-bindgen move on.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cargo build --manifest-path "$here/Cargo.toml" --release --target wasm32-wasip2 \
  --target-dir "${CARGO_TARGET_DIR:-$here/target}"
cp "${CARGO_TARGET_DIR:-$here/target}/wasm32-wasip2/release/exporter_wit_0_1_1.wasm" \
  "$here/../exporter-wit-0.1.1.wasm"
ls -l "$here/../exporter-wit-0.1.1.wasm"
