use std::process::Command;

// napi-build sets the linker flags a Node addon needs on each platform (none on
// Linux, but it keeps the crate portable). The rustc version is recorded because
// it decides curve25519-dalek's backend: its AVX512-IFMA code is compiled only
// by a nightly rustc, AVX2 by any.
fn main() {
    napi_build::setup();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=ACCORD_RUSTC_VERSION={}", version.trim());
}
