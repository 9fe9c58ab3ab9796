#!/usr/bin/env bash
# Regenerates sqlx's offline query data (src-tauri/core/.sqlx) from the migrations, the way
# `cargo sqlx prepare` does, without needing sqlx-cli. With --check, fails when the committed
# data is stale instead of replacing it.
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/sqlx-prepare
rm -rf "$work" && mkdir -p "$work/queries"
cat src-tauri/core/migrations/*.sql | sqlite3 "$work/schema.db"
touch src-tauri/core/src/lib.rs   # make the query macros expand again
SQLX_OFFLINE=false DATABASE_URL="sqlite://$PWD/$work/schema.db" SQLX_OFFLINE_DIR="$PWD/$work/queries" \
  cargo check -q -p herald-core --all-targets
if [ "${1:-}" = "--check" ]; then
  if ! diff -r "$work/queries" src-tauri/core/.sqlx >/dev/null; then
    diff -r "$work/queries" src-tauri/core/.sqlx || true
    echo "sqlx offline data is stale: run 'make sqlx-prepare' and commit src-tauri/core/.sqlx" >&2
    exit 1
  fi
  echo "sqlx offline data is up to date"
else
  rm -rf src-tauri/core/.sqlx && cp -r "$work/queries" src-tauri/core/.sqlx
  echo "wrote src-tauri/core/.sqlx ($(ls src-tauri/core/.sqlx | wc -l) queries)"
fi
touch src-tauri/core/src/lib.rs   # and once more offline, so later builds use the committed data
