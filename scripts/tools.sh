#!/usr/bin/env bash
# Installs what building and testing the console needs, skipping whatever is already there:
# the wasm32 target, Trunk, wasm-bindgen-cli at the version Cargo.lock pins, wasm-opt (binaryen
# from npm: Debian's is too old), and, with `--browser`, Debian's Chromium, ChromeDriver and
# aiosmtpd (the SMTP server of the email tests).
# Tools land in ~/.cargo/bin and $CONSOLE_TOOLS (default ~/.cache/phone-console/tools).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
TOOLS="${CONSOLE_TOOLS:-$HOME/.cache/phone-console/tools}"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Tools built from source only need to run, not to be fast: skip LTO and most optimisation.
quick_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install "$@"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "Installing trunk $TRUNK_VERSION (from source: takes a while, once)"
  quick_install --locked "trunk@$TRUNK_VERSION"
fi

bindgen_version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
if ! grep -q "^wasm_bindgen = \"$bindgen_version\"" Trunk.toml; then
  echo "Trunk.toml's wasm_bindgen must equal the wasm-bindgen version in Cargo.lock ($bindgen_version)" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "Installing wasm-bindgen-cli $bindgen_version (the version Cargo.lock pins)"
  # Not --locked: one of its locked dependencies is missing from the registry.
  quick_install wasm-bindgen-cli --version "$bindgen_version"
fi

if [ "$("$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null)" != "wasm-opt version ${BINARYEN_VERSION%%.*} (version_${BINARYEN_VERSION%%.*})" ]; then
  say "Installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
fi

# The tests' real parts: Chromium and ChromeDriver for the journeys, an SMTP server (aiosmtpd,
# run with Debian's python3) for the email tests, nginx in front of several instances, wrk
# for the throughput figures of `make bench`.
if [ "${1:-}" = "--browser" ] && ! { command -v chromium && command -v chromedriver \
    && /usr/bin/python3 -c "import aiosmtpd" && command -v nginx && command -v wrk; } >/dev/null 2>&1; then
  say "Installing Chromium, ChromeDriver, aiosmtpd, nginx and wrk (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver python3-aiosmtpd nginx wrk >/dev/null
fi
