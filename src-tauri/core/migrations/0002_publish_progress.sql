-- The publish state machine's memory (DESIGN.md §3): what each target has done at its platform,
-- written before and after every call, so a crash or a timeout resumes instead of repeating.

-- JSON written by the platform client: the step reached and the platform's ids (upload session,
-- photo ids, post id…). NULL until the first step.
ALTER TABLE targets ADD COLUMN progress TEXT;
-- The platform's id of the published (or natively scheduled) post.
ALTER TABLE targets ADD COLUMN remote_id TEXT;
-- 1 once the platform itself holds the post for its due time (Facebook native scheduling).
ALTER TABLE targets ADD COLUMN handed_off INTEGER NOT NULL DEFAULT 0 CHECK (handed_off IN (0, 1));
-- Attempts made so far, and when the next may start (backoff after a transient failure).
ALTER TABLE targets ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE targets ADD COLUMN next_attempt_at INTEGER;

CREATE INDEX targets_by_lease ON targets (status, lease_expires_at);

-- Every attempt, for the post's history and for support.
CREATE TABLE publish_attempts (
    id          INTEGER PRIMARY KEY,
    target_id   INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    owner       TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    outcome     TEXT CHECK (outcome IN ('published', 'handed_off', 'retry', 'failed', 'interrupted')),
    code        TEXT,
    message     TEXT
);
CREATE INDEX publish_attempts_by_target ON publish_attempts (target_id);

-- Changes Herald still has to make at a platform (a natively scheduled post that was moved or
-- deleted in Herald): applied by the scheduler with retries, so the user's change never waits on
-- the network and is never lost.
CREATE TABLE remote_changes (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    -- The target that must not be published again until this change is applied (NULL once the
    -- post itself was deleted).
    target_id  INTEGER REFERENCES targets (id) ON DELETE SET NULL,
    remote_id  TEXT    NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('delete')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    created_at INTEGER NOT NULL
);
