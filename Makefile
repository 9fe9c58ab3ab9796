# Herald's front door. `make run` opens the app; `make test` runs every check CI runs.
# Both install what they need first (Debian 12 / Ubuntu).

SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
TARGET_DIR := $(CURDIR)/target
SCREENSHOTS ?= $(TARGET_DIR)/screenshots

.PHONY: help deps ui build run dev test lint fmt-check clippy sqlx-check sqlx-prepare \
        bindings bindings-check rust-test ui-test e2e bench-memory bench-publish bench-media bench-tiktok release clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

deps: ## Install system packages (apt) and npm packages
	@scripts/install-deps.sh

ui: deps ## Build the calendar UI into ui/dist
	npm --prefix ui run build --silent

build: ui ## Build the window (herald-desktop) and the command line (herald)
	$(CARGO) build --workspace

run: build ## Build and open Herald (it starts the background publisher too)
	$(TARGET_DIR)/debug/herald-desktop

dev: deps ## Run the UI with hot reload in the window (no custom protocol)
	cd ui && npx tauri dev -- --no-default-features

test: deps ui lint rust-test ui-test e2e ## Everything CI runs
	@echo "All checks passed."

lint: fmt-check clippy sqlx-check bindings-check ## Formatting, clippy, generated files

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

sqlx-check: ## Fail when sqlx's committed offline query data is stale
	scripts/sqlx-prepare.sh --check

sqlx-prepare: ## Regenerate sqlx's offline query data after changing a query or migration
	scripts/sqlx-prepare.sh

bindings: ## Regenerate the UI's typed IPC bindings
	$(CARGO) run -q --bin export-bindings -- ui/src/lib/backend/bindings.ts

bindings-check: ## Fail when the committed IPC bindings are stale
	$(CARGO) run -q --bin export-bindings -- $(TARGET_DIR)/bindings.check.ts
	@diff -u ui/src/lib/backend/bindings.ts $(TARGET_DIR)/bindings.check.ts \
	  || { echo "IPC bindings are stale: run 'make bindings' and commit ui/src/lib/backend/bindings.ts" >&2; exit 1; }

rust-test: ## Rust tests, with the real Secret Service in a throwaway D-Bus session
	scripts/with-keyring.sh $(CARGO) test --workspace

ui-test: deps ## The UI's type check and unit tests
	npm --prefix ui run check --silent
	npm --prefix ui test --silent

e2e: build ## End-to-end tests of the real app under Xvfb (tauri-driver + WebKitWebDriver)
	@echo "Screenshots: $(SCREENSHOTS)"
	tests/e2e/run.sh $(TARGET_DIR)/debug $(SCREENSHOTS)

bench-publish: ## Scheduler lateness and draining 200 due posts against the sandbox
	$(CARGO) run -q --release -p herald-platforms --example publish_bench

bench-media: ## Preparing a 24 MP photo for Instagram, probing a 200 MB video, relaying a 200 MB reel
	$(CARGO) run -q --release -p herald-core --features testing --example prepare_image_bench
	$(CARGO) run -q --release -p herald-platforms --example relay_bench

bench-tiktok: ## Peak memory of `herald run` sending a 300 MB video to TikTok (sandbox)
	scripts/with-keyring.sh $(CARGO) test -q -p herald-cli --test tiktok -- --ignored --nocapture bench_

bench-memory: build ## Memory of every Herald process, window open and closed (≤ 30 MB PSS closed)
	scripts/bench-memory.sh $(TARGET_DIR)/$(if $(RELEASE),release,debug)

release: ui ## Optimised binaries in target/release
	$(CARGO) build --workspace --release

clean:
	$(CARGO) clean
	rm -rf ui/dist
