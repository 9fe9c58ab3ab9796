-- Accounts of the built-in sandbox ("Try Herald with sandbox accounts"): clearly marked, they
-- publish to the local simulation instead of the real platform, and are removed in one click.
ALTER TABLE accounts ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1));
