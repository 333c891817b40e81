//! Builds the guest fixtures (`tests/fixtures/`, a workspace of hostile and
//! well-behaved plugins) for `wasm32-wasip2` and emits one path constant per
//! component into `OUT_DIR/fixtures.rs`, plus `ALL_FIXTURES` so a test can
//! check that every fixture is used.

use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "../host/crates/plugins/build/guests.rs"]
mod guests;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let fixtures = manifest_dir.join("fixtures");
    let sdk_wit = manifest_dir.join("../widget-sdk/wit");
    println!("cargo:rerun-if-changed=../host/crates/plugins/build/guests.rs");
    println!("cargo:rerun-if-changed={}", sdk_wit.display());
    guests::rerun_if_changed(&fixtures, &[]);

    let built = match guests::build(&fixtures, &guests::nested_target_dir("fixtures")) {
        Ok(built) => built,
        Err(stderr) => guests::fail("the test fixtures (tests/fixtures/)", &stderr),
    };

    let mut code = String::new();
    let mut all = String::from(
        "/// Every fixture: (constant name, path).\npub const ALL_FIXTURES: &[(&str, &str)] = &[\n",
    );
    for g in &built {
        let name = g
            .package
            .trim_start_matches("fixture-")
            .replace('-', "_")
            .to_uppercase();
        let path = g.wasm.display().to_string();
        writeln!(
            code,
            "/// The `{}` component.\npub const {name}: &str = {path:?};",
            g.package
        )
        .expect("writing to a String cannot fail");
        writeln!(all, "    ({name:?}, {name}),").expect("writing to a String cannot fail");
    }
    all.push_str("];\n");
    code.push_str(&all);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("fixtures.rs"), code).expect("cannot write fixtures.rs");

    // The third-party examples, for the drop-in tests: one constant each.
    let examples = manifest_dir.join("../examples");
    guests::rerun_if_changed(&examples, &[]);
    let built = match guests::build(&examples, &guests::nested_target_dir("examples")) {
        Ok(built) => built,
        Err(stderr) => guests::fail("the example plugins (examples/)", &stderr),
    };
    let mut code = String::new();
    for g in &built {
        let name = g.package.replace('-', "_").to_uppercase();
        writeln!(
            code,
            "/// The example `{}` component.\npub const {name}: &str = {:?};",
            g.package,
            g.wasm.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    std::fs::write(out.join("examples.rs"), code).expect("cannot write examples.rs");
}
