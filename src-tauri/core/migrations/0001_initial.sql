-- Herald's schema. Times are Unix seconds (UTC). No secret is ever stored here: tokens and app
-- secrets live in the OS keyring, and rows only name the entry (see vault.rs).

CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY,
    platform            TEXT    NOT NULL CHECK (platform IN ('instagram', 'facebook', 'tiktok')),
    platform_account_id TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'connected'
                                CHECK (status IN ('connected', 'needs_reconnect', 'disconnected')),
    token_expires_at    INTEGER,
    created_at          INTEGER NOT NULL,
    UNIQUE (platform, platform_account_id)
);

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY,
    caption    TEXT    NOT NULL DEFAULT '',
    kind       TEXT    NOT NULL DEFAULT 'post'
                       CHECK (kind IN ('post', 'carousel', 'reel', 'story', 'video', 'photo')),
    -- NULL only for a draft that has no date yet.
    due_at     INTEGER,
    -- The IANA zone the user planned the post in (for display and day moves across DST).
    timezone   TEXT    NOT NULL,
    draft      INTEGER NOT NULL DEFAULT 0 CHECK (draft IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (draft = 1 OR due_at IS NOT NULL)
);
CREATE INDEX posts_by_due_at ON posts (due_at);

CREATE TABLE media (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    path       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('image', 'video')),
    mime       TEXT    NOT NULL,
    size_bytes INTEGER NOT NULL,
    UNIQUE (post_id, position)
);

-- One target per (post, account): each moves through the publish state machine on its own.
CREATE TABLE targets (
    id               INTEGER PRIMARY KEY,
    post_id          INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    status           TEXT    NOT NULL
                             CHECK (status IN ('draft', 'scheduled', 'publishing', 'published', 'failed', 'missed')),
    permalink        TEXT,
    error_code       TEXT,
    error_message    TEXT,
    -- The claim of the process publishing this target (DESIGN.md §2a): owner and expiry.
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    updated_at       INTEGER NOT NULL,
    UNIQUE (post_id, account_id)
);
CREATE INDEX targets_by_status ON targets (status);
CREATE INDEX targets_by_account ON targets (account_id);

-- The user's own developer app per platform ("bring your own app"); its secret is in the keyring.
CREATE TABLE developer_apps (
    platform   TEXT    PRIMARY KEY CHECK (platform IN ('instagram', 'facebook', 'tiktok')),
    client_id  TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
