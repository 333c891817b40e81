#!/usr/bin/env bash
# Rebuild ../widget-wit-0.1.0.wasm. Run only to replace the fixture on
# purpose: the point of the committed bytes is that they do not change
# when the WIT, the SDK or wit-bindgen move on.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cargo build --manifest-path "$here/Cargo.toml" --release --target wasm32-wasip2 \
  --target-dir "${CARGO_TARGET_DIR:-$here/target}"
cp "${CARGO_TARGET_DIR:-$here/target}/wasm32-wasip2/release/widget_wit_0_1_0.wasm" \
  "$here/../widget-wit-0.1.0.wasm"
ls -l "$here/../widget-wit-0.1.0.wasm"
