#!/usr/bin/env bash
# Installs what building, running and testing Herald needs on Debian 12 / Ubuntu: system
# packages (only those missing), then the UI's and the end-to-end tests' npm packages.
# Safe to run again; it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential pkg-config curl file libssl-dev libdbus-1-dev
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth webkit2gtk-driver dbus dbus-x11 at-spi2-core
  gnome-keyring libsecret-1-dev xdg-utils desktop-file-utils dunst
  sqlite3 imagemagick x11-utils procps python3
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "== installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed. Install it from https://rustup.rs (Herald needs Rust 1.89 or newer), then run this again." >&2
  exit 1
fi
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "Node.js 20 or newer is needed for the UI build (https://nodejs.org or your distribution's nodejs 20+)." >&2
  exit 1
fi

# `npm install`, not `npm ci`: the lock file lacks other OSes' optional packages of @tauri-apps/cli.
for dir in ui tests/e2e; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package.json" -nt "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "== npm install in $dir"
    npm --prefix "$dir" install --no-audit --no-fund --loglevel=error
    touch "$dir/node_modules"
  fi
done
