#!/usr/bin/env bash
# Memory of Herald's processes with the window open and after it is closed (DESIGN.md §2a: the
# resident process must stay light once the window is gone).
#
#   scripts/bench-memory.sh [TARGET_DIR]     default: target/release if it holds both binaries, else target/debug
#   env: HERALD_BENCH_SETTLE (seconds to let the page load, default 5),
#        HERALD_BENCH_MAX_PSS_MIB (limit for the window-closed total, default 30)
#
# Runs in its own Xvfb and D-Bus session with a temporary data dir. Starts `herald tray`, then
# `herald-desktop`; once the window shows, measures RSS (/proc/PID/status) and PSS
# (/proc/PID/smaps_rollup) of every process of the run (first with the tray alone) (herald, herald-desktop, WebKitWebProcess,
# WebKitNetworkProcess, …); sends SIGTERM to the window process, measures again, prints a Markdown
# table. Exits 1 if the window-closed total PSS exceeds the limit (or the run could not be measured).
# Needs (Debian): xvfb xauth dbus x11-utils.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -n "${1:-}" ]; then
  TARGET=$(cd "$1" && pwd)
elif [ -x "$REPO/target/release/herald" ] && [ -x "$REPO/target/release/herald-desktop" ]; then
  TARGET=$REPO/target/release
else
  TARGET=$REPO/target/debug
fi
HERALD=$TARGET/herald
DESKTOP=$TARGET/herald-desktop
SETTLE=${HERALD_BENCH_SETTLE:-5}
MAX_PSS_MIB=${HERALD_BENCH_MAX_PSS_MIB:-30}

for b in "$HERALD" "$DESKTOP"; do
  [ -x "$b" ] || { echo "bench-memory: $b not found (build first)" >&2; exit 1; }
done

# Re-run inside a private X server and session bus.
if [ -z "${HERALD_BENCH_IN_SESSION:-}" ]; then
  export HERALD_BENCH_IN_SESSION=1
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" dbus-run-session -- bash "${BASH_SOURCE[0]}" "$TARGET"
fi

RUN_ID=bench-$$-$RANDOM$RANDOM
TMP=$(mktemp -d /tmp/herald-bench.XXXXXX)
mkdir -p "$TMP/data"
# Only the processes started below get the marker (not this script), so /proc finds exactly ours.
run_env=(env HERALD_BENCH_RUN="$RUN_ID" HERALD_DATA_DIR="$TMP/data" XDG_DATA_HOME="$TMP/xdg-data"
  XDG_CONFIG_HOME="$TMP/xdg-config" XDG_CACHE_HOME="$TMP/xdg-cache" NO_AT_BRIDGE=1)

owned_pids() {
  local f pid
  for f in $(grep -lzx "HERALD_BENCH_RUN=$RUN_ID" /proc/[0-9]*/environ 2>/dev/null); do
    pid=${f#/proc/}; pid=${pid%/environ}
    # skip zombies
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] || echo "$pid"
  done
}

kind_of() {
  local pid=$1 exe args
  exe=$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null || cat "/proc/$pid/comm")")
  exe=${exe% (deleted)}
  args=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)
  case $exe in
    herald) if [[ " $args " == *" tray "* ]]; then echo "herald tray"; else echo herald; fi ;;
    *) echo "$exe" ;;
  esac
}

cleanup() {
  local pids
  pids=$(owned_pids || true)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 30); do
      pids=$(owned_pids || true); [ -z "$pids" ] && break; sleep 0.1
    done
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# wait_for TIMEOUT_S DESCRIPTION COMMAND... : polls every 0.2 s
wait_for() {
  local timeout=$1 what=$2; shift 2
  local end=$((SECONDS + timeout))
  until "$@"; do
    if [ $SECONDS -ge $end ]; then echo "bench-memory: timed out after ${timeout}s waiting for $what" >&2; return 1; fi
    sleep 0.2
  done
}
has_kind() { local p; for p in $(owned_pids); do [ "$(kind_of "$p")" = "$1" ] && return 0; done; return 1; }
window_shown() {
  local id
  for id in $(xwininfo -root -tree 2>/dev/null | awk '/"Herald":/ {print $1}'); do
    xwininfo -id "$id" 2>/dev/null | grep -q 'Map State: IsViewable' && return 0
  done
  return 1
}

ROWS=()
declare -A TOTAL_RSS TOTAL_PSS
measure() {
  local state=$1 pid kind rss pss
  TOTAL_RSS[$state]=0; TOTAL_PSS[$state]=0
  for pid in $(owned_pids); do
    kind=$(kind_of "$pid")
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    [ -n "$rss" ] && [ -n "$pss" ] || continue
    ROWS+=("$kind|$pid|$state|$rss|$pss")
    TOTAL_RSS[$state]=$((TOTAL_RSS[$state] + rss))
    TOTAL_PSS[$state]=$((TOTAL_PSS[$state] + pss))
  done
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo "bench-memory: binaries in $TARGET ($(du -h "$HERALD" | cut -f1) herald, $(du -h "$DESKTOP" | cut -f1) herald-desktop)" >&2

"${run_env[@]}" "$HERALD" tray > "$TMP/tray.out" 2>&1 &
TRAY=$!
wait_for 20 "herald tray to take its lock ($TMP/data/tray.lock)" test -e "$TMP/data/tray.lock" || true
kill -0 "$TRAY" 2>/dev/null || { echo "bench-memory: herald tray exited:" >&2; cat "$TMP/tray.out" >&2; exit 1; }

sleep 1
measure "tray only"

T0=$SECONDS
"${run_env[@]}" "$DESKTOP" > "$TMP/desktop.out" 2>&1 &
WIN=$!
wait_for 60 'the "Herald" window' window_shown || { cat "$TMP/desktop.out" >&2; exit 1; }
wait_for 30 "WebKitWebProcess" has_kind WebKitWebProcess || true
echo "bench-memory: window shown after $((SECONDS - T0))s; letting the page load for ${SETTLE}s" >&2
sleep "$SETTLE"
measure "window open"

kill -TERM "$WIN"
gone() { ! kill -0 "$WIN" 2>/dev/null && ! has_kind WebKitWebProcess && ! has_kind WebKitNetworkProcess; }
wait_for 15 "herald-desktop and its WebKit processes to exit" gone || true
status=0; wait "$WIN" 2>/dev/null || status=$?
echo "bench-memory: herald-desktop ended after SIGTERM with status $status" >&2
sleep 1
measure "window closed"

kill -0 "$TRAY" 2>/dev/null || { echo "bench-memory: herald tray did not survive the window" >&2; exit 1; }

echo
echo "Herald memory ($(basename "$TARGET") build, $(date -u +%Y-%m-%d))"
echo
echo "| process | pid | state | RSS MiB | PSS MiB |"
echo "|---|---:|---|---:|---:|"
for r in "${ROWS[@]}"; do
  IFS='|' read -r kind pid state rss pss <<< "$r"
  echo "| $kind | $pid | $state | $(mib "$rss") | $(mib "$pss") |"
done
for state in "tray only" "window open" "window closed"; do
  echo "| **total** | | $state | **$(mib "${TOTAL_RSS[$state]}")** | **$(mib "${TOTAL_PSS[$state]}")** |"
done
echo

closed_pss=${TOTAL_PSS["window closed"]}
if [ "$closed_pss" -eq 0 ]; then
  echo "FAIL: nothing measured with the window closed" ; exit 1
fi
if [ "$closed_pss" -gt $((MAX_PSS_MIB * 1024)) ]; then
  echo "FAIL: window-closed total PSS $(mib "$closed_pss") MiB > ${MAX_PSS_MIB} MiB"
  exit 1
fi
echo "OK: window-closed total PSS $(mib "$closed_pss") MiB <= ${MAX_PSS_MIB} MiB"
