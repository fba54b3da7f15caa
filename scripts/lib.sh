# Shared helpers for the project's scripts. Source it; do not run it.
#
# The browser bundle needs a compiler that can target wasm32-unknown-unknown.
# A developer laptop usually has it from rustup; the project's build machines
# do not (rustup cannot download it there), so we fall back to Debian's
# rustc-web, which ships the standard library's source, and build std from it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_TARGET=wasm32-unknown-unknown
WASM_TARGET_DIR="$ROOT/target/wasm"
SITE_DIR="$ROOT/target/site"

# The project's tools (scripts/bootstrap builds them from tools/): first on PATH.
PATH="$ROOT/target/tools:$PATH"
export PATH

# Where the tools built from tools/ are kept: a folder per content of
# tools/, outside the clone, so every clone on the machine shares them.
tools_cache_root() {
  echo "${COURSEWARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/courseware}/tools"
}
tools_cache() {
  local key
  key="$(cat "$ROOT/tools/Cargo.toml" "$ROOT/tools/Cargo.lock" "$ROOT"/tools/src/bin/*.rs | sha256sum | cut -c1-16)"
  echo "$(tools_cache_root)/$key/bin"
}

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# "rustup" when rustup's toolchain has the wasm32 std, otherwise "debian".
wasm_route() {
  if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    echo rustup
  else
    echo debian
  fi
}

# The linker for wasm32 on the Debian route: rustup's rust-lld when present,
# else Debian's.
wasm_linker() {
  local sysroot lld
  sysroot="$(rustc --print sysroot 2>/dev/null || true)"
  lld="$sysroot/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
  if [ -n "$sysroot" ] && [ -x "$lld" ]; then echo "$lld"; return; fi
  for c in /usr/bin/rust-lld /usr/bin/wasm-ld /usr/bin/lld; do
    if [ -x "$c" ]; then echo "$c"; return; fi
  done
  die "no wasm linker found (rust-lld or wasm-ld); run scripts/bootstrap"
}

# clippy-driver of the compiler each route uses (to lint while building).
clippy_driver() {
  if [ "$(wasm_route)" = rustup ]; then
    echo "$(rustc --print sysroot)/bin/clippy-driver"
  else
    echo /usr/bin/clippy-driver
  fi
}

# Flags for the browser bundle, which is built for size (see README,
# "Bundle size"): components are type-erased (one hydrate path per view
# instead of one per view type); on the Debian route, which builds std
# from source, panics also abort at once and carry no message, location or
# Debug formatting (the bundle has no use for them: a panic in the browser
# is a bug either way, and the server logs say what the user did).
WASM_RUSTFLAGS="--cfg erase_components -Clink-args=--emit-relocs"
# To see a browser panic's message while debugging, build with
# WASM_RUSTFLAGS_STD_OVERRIDE="" (panics unwind to the console hook as usual).
# -Clink-args=--emit-relocs keeps what wasm-split needs to cut the module
# into per-page chunks (scripts/build-wasm).
WASM_RUSTFLAGS_STD="${WASM_RUSTFLAGS_STD_OVERRIDE--Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none}"

# Runs a cargo subcommand for the wasm32 target, whichever route applies.
# Usage: wasm_cargo build -p frontend --profile wasm-release
wasm_cargo() {
  local sub="$1"; shift
  if [ "$(wasm_route)" = rustup ]; then
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$WASM_RUSTFLAGS" \
      cargo "$sub" --target "$WASM_TARGET" "$@"
  else
    local linker; linker="$(wasm_linker)"
    PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
      CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$linker" \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$WASM_RUSTFLAGS $WASM_RUSTFLAGS_STD" \
      /usr/bin/cargo "$sub" --target "$WASM_TARGET" -Zbuild-std=std,panic_abort "$@"
  fi
}

# The wasm-bindgen version pinned in Cargo.lock.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# The machine's configured Debian mirror (for mmdebstrap), else Debian's own.
debian_mirror() {
  local m
  m="$( (cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true) \
    | grep -E '^(URIs:|deb )' | grep -oE 'https?://[^ ]+' | head -1 || true)"
  echo "${m:-http://deb.debian.org/debian}"
}
