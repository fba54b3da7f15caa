//! `wasm-bindgen` with the options scripts/build-wasm uses:
//! `wasm-bindgen [--target web] [--no-typescript] [--keep-lld-exports] [--keep-debug]
//! --out-dir DIR --out-name NAME INPUT.wasm`, and `--version`.
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    let (mut out_dir, mut input) = (None::<PathBuf>, None::<PathBuf>);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--version" | "-V" => {
                println!("wasm-bindgen {}", wasm_bindgen_version());
                return Ok(());
            }
            "--target" => match args.next().as_deref() {
                Some("web") => {
                    bindgen.web(true)?;
                }
                other => bail!("only --target web is supported, not {other:?}"),
            },
            "--no-typescript" => {
                bindgen.typescript(false);
            }
            "--keep-debug" => {
                bindgen.keep_debug(true);
            }
            "--keep-lld-exports" => {
                bindgen.keep_lld_exports(true);
            }
            "--out-dir" => out_dir = Some(args.next().context("--out-dir needs a folder")?.into()),
            "--out-name" => {
                bindgen.out_name(&args.next().context("--out-name needs a name")?);
            }
            flag if flag.starts_with('-') => bail!("unknown option {flag}"),
            path => input = Some(path.into()),
        }
    }
    let input = input.context("no input .wasm given")?;
    let out_dir = out_dir.context("no --out-dir given")?;
    bindgen.input_path(input).generate(out_dir)
}

/// The version of the library this binary was built with (tools/Cargo.toml
/// pins it to the one in the app's Cargo.lock).
fn wasm_bindgen_version() -> &'static str {
    "0.2.130"
}
