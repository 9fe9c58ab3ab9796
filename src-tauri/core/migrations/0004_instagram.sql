-- Instagram (issue 4): per-network post options, alt text, the first comment's own outcome, and
-- the publishing quota each account last reported.

-- Per-network options of a post, as JSON (see options.rs): first comment, reel cover, the
-- user's Fit/Crop choice for photos outside a network's aspect range…
ALTER TABLE posts ADD COLUMN options TEXT NOT NULL DEFAULT '{}';

-- Alternative text of a photo, for screen readers (Instagram takes up to 1,000 characters).
ALTER TABLE media ADD COLUMN alt_text TEXT;

-- The optional first comment posted right after the media went live. Its failure never
-- un-publishes the post: it is reported here, apart from the target's own status.
ALTER TABLE targets ADD COLUMN first_comment_id TEXT;
ALTER TABLE targets ADD COLUMN first_comment_error TEXT;
-- When the target went live (Unix seconds): rolling 24-hour quotas are counted from it.
ALTER TABLE targets ADD COLUMN published_at INTEGER;

-- The publishing quota the platform last reported for the account (Instagram's
-- content_publishing_limit): posts used and allowed in its rolling window.
ALTER TABLE accounts ADD COLUMN quota_used INTEGER;
ALTER TABLE accounts ADD COLUMN quota_total INTEGER;
ALTER TABLE accounts ADD COLUMN quota_window_seconds INTEGER;
ALTER TABLE accounts ADD COLUMN quota_checked_at INTEGER;
