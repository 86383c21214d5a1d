# The two entry points are `make run` and `make test` (see README.md); `make bench` measures.
# Build output lives outside the checkout so that clones (and CI) share one warm target folder.

export CARGO_TARGET_DIR ?= $(HOME)/.cache/phone-console/target
export CONSOLE_TOOLS ?= $(HOME)/.cache/phone-console/tools
export PATH := $(HOME)/.cargo/bin:$(CONSOLE_TOOLS)/node_modules/.bin:$(PATH)
export TRUNK_OFFLINE := true
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER := wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
# Any further arguments for the server, e.g. `make run ARGS="--today 2027-01-01"`.
ARGS ?=

.PHONY: run test bench app tools browser-tools cluster

## Installs what is missing, builds the app and the server in release, and serves on :8080.
run: tools app
	cargo run --release -p server -- $(ARGS)

## Every test: domain, the app's state machines, server on SQLite and PostgreSQL, components in
## Chromium, end to end.
test: browser-tools
	cargo fmt --all --check
	cargo clippy -p domain -p protocol -p app_state -p server --all-targets -- -D warnings
	cargo clippy -p console --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo test -p domain -p protocol
	cargo test -p app_state
	cargo build -p domain --target wasm32-unknown-unknown
	$(MAKE) app
	cargo test -p server
	cargo test -p console --target wasm32-unknown-unknown

## Prints the figures: rule timings, the app's transfer sizes and its time to interactive.
bench: browser-tools app
	cargo bench -p domain --bench rules
	cargo bench -p domain --bench quote_wasm --target wasm32-unknown-unknown
	cargo bench -p server --bench first_load
	cargo bench -p server --bench users_list
	cargo bench -p server --bench quote
	cargo bench -p server --bench webapp
	cargo bench -p server --bench cluster
	cargo bench -p server --bench throughput

## Two instances on PostgreSQL behind nginx on :8080, as in production (see README, "At scale").
cluster: browser-tools app
	cargo build --release -p server
	scripts/cluster.sh

## The app's four bundles (see protocol/src/bundle.rs): the Management Console into dist/, then
## the sign-in pages into dist/signin/, the WebApp into dist/webapp/ and the provider's back
## office into dist/backoffice/ (the first build empties
## dist/, so the order matters).
app:
	trunk build index.html --release
	trunk build signin.html --release --dist dist/signin --public-url /signin/
	trunk build webapp.html --release --dist dist/webapp --public-url /webapp/
	trunk build backoffice.html --release --dist dist/backoffice --public-url /backoffice/

tools:
	scripts/tools.sh

browser-tools:
	scripts/tools.sh --browser
