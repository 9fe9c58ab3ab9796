-- Accounts (issue 6): sign-ins through the platforms' OAuth pages, token ages, reconnects.

-- One row per sign-in Herald started. The `state` sent to the platform is random; only its
-- SHA-256 is kept, so a copy of the database cannot complete anyone's sign-in. A callback is
-- accepted once (`used_at`), and only within 10 minutes of `created_at`.
CREATE TABLE sign_in_attempts (
    id           INTEGER PRIMARY KEY,
    platform     TEXT    NOT NULL CHECK (platform IN ('instagram', 'facebook', 'tiktok')),
    state_hash   TEXT    NOT NULL UNIQUE,
    -- The exact redirect URI sent with the authorization request (the code exchange repeats it).
    redirect_uri TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    used_at      INTEGER
);

-- When the account's current access token was issued (Instagram refreshes it once it is a day
-- old), why the account needs reconnecting, and for Facebook Pages the Facebook user whose
-- sign-in gave the Page token (access is revoked when that user's last Page is disconnected).
ALTER TABLE accounts ADD COLUMN token_issued_at INTEGER;
ALTER TABLE accounts ADD COLUMN reconnect_reason TEXT;
ALTER TABLE accounts ADD COLUMN login_user_id TEXT;

-- The redirect URI registered in the user's developer app (Meta: the hosted redirect page).
ALTER TABLE developer_apps ADD COLUMN redirect_uri TEXT;
