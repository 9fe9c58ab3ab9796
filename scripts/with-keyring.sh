#!/usr/bin/env bash
# Runs a command inside a throwaway D-Bus session with an unlocked GNOME Keyring, so that tests
# use the real Secret Service without touching the user's own keyring or bus.
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export HERALD_TEST_REAL_KEYRING=1
exec dbus-run-session -- sh -c 'echo -n herald-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' sh "$@"
