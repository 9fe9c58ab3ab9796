-- TikTok (issue 5): what the platform last told about an account (TikTok's creator_info: the
-- nickname, the privacy levels offered, disabled interactions, the longest video), as JSON, so
-- posts are checked against it when they are scheduled, and when refresh tokens expire.
ALTER TABLE accounts ADD COLUMN details TEXT;
ALTER TABLE accounts ADD COLUMN refresh_expires_at INTEGER;
