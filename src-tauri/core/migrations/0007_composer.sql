-- The composer: per-network captions and the time of day a draft dropped on a day gets.

-- A target's own caption, when the user wrote one for its network; NULL = the post's caption.
ALTER TABLE targets ADD COLUMN caption TEXT;

-- The time of day ("HH:MM", in the post's own zone) a draft dragged onto a day is scheduled at.
INSERT OR IGNORE INTO settings (key, value) VALUES ('default_post_time', '09:00');
