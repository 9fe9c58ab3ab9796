#!/usr/bin/env bash
# Runs the Herald E2E suite inside one throwaway X server (Xvfb) and one D-Bus session bus, which
# every process of the run shares (tauri-driver, the window, the tray, our StatusNotifierWatcher,
# the second instance).
#
#   tests/e2e/run.sh [TARGET_DIR] [SCREENSHOTS_DIR]
#   env: HERALD_TARGET_DIR, HERALD_E2E_SCREENSHOTS, HERALD_E2E_TZ, HERALD_E2E_ONLY, HERALD_E2E_KEEP
#
# Needs (Debian): xvfb xauth dbus dbus-x11 webkit2gtk-driver x11-utils imagemagick; node >= 18.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ ! -d "$HERE/node_modules/webdriverio" ] || [ ! -d "$HERE/node_modules/dbus-next" ] \
   || [ ! -e "$HERE/node_modules/.bin/tauri-driver" ]; then
  echo "installing tests/e2e node modules…"
  # `npm install`, not `npm ci`: the registry here 404s the other platforms' optional packages.
  npm --prefix "$HERE" install --no-audit --no-fund --loglevel=error >/dev/null
fi
for tool in xvfb-run dbus-run-session gnome-keyring-daemon WebKitWebDriver xwininfo import convert; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt: xvfb dbus webkit2gtk-driver x11-utils imagemagick)"; echo "0 passed, 1 failed"; exit 1; }
done

export HERALD_E2E_IN_SESSION=1
# A zone far from UTC (+12/+13): a post at 10:00 local is on the previous day in UTC, so a
# calendar that mixes up UTC and local dates puts it in the wrong cell.
export TZ="${HERALD_E2E_TZ:-Pacific/Auckland}"
# GTK's accessibility bus is not needed.
export NO_AT_BRIDGE=1 GDK_BACKEND=x11
unset WAYLAND_DISPLAY

# A throwaway keyring (GNOME Keyring's Secret Service, unlocked) in the run's own session bus,
# for the sandbox accounts' tokens; its files live in a temporary folder, never the user's.
KEYRING_HOME=$(mktemp -d /tmp/herald-e2e-keyring.XXXXXX)
trap 'rm -rf "$KEYRING_HOME"' EXIT
export HERALD_E2E_KEYRING_DATA="$KEYRING_HOME"
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session -- sh -c 'printf herald-e2e | XDG_DATA_HOME="$HERALD_E2E_KEYRING_DATA" gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec node "$@"' \
  sh "$HERE/run.mjs" "$@"
