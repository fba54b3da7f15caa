//! `wasm-split-cli INPUT.wasm OUT_DIR [--target web] [--out-name NAME]`:
//! the main module goes to OUT_DIR/NAME.wasm (for wasm-bindgen), one chunk
//! per split point beside it, and the loader `__wasm_split.js`.
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use wasm_split_cli_support as split;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut name = String::from("main");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--target" => match args.next().as_deref() {
                Some("web") => {}
                other => bail!("only --target web is supported, not {other:?}"),
            },
            "--out-name" => name = args.next().context("--out-name needs a name")?,
            flag if flag.starts_with('-') => bail!("unknown option {flag}"),
            path => paths.push(path.into()),
        }
    }
    let [input, output] = <[PathBuf; 2]>::try_from(paths)
        .map_err(|_| anyhow::anyhow!("usage: wasm-split-cli INPUT.wasm OUT_DIR [--target web] [--out-name NAME]"))?;
    let wasm = std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
    let main_out = output.join(format!("{name}.wasm"));
    let main_module = format!("./{name}.js");
    let mut opts = split::Options::new(&wasm);
    opts.output_dir = &output;
    opts.main_out_path = &main_out;
    opts.main_module = &main_module;
    opts.target.web();
    split::transform(opts).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
