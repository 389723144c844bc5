-- Wrong-token lockout with back-off (issue 15, points 1 and 6): see
-- migrations/sqlite/002_lock_backoff.sql for what each column means.
ALTER TABLE shares ADD COLUMN passcode BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE shares ADD COLUMN auth_pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN auth_pending_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN lock_count BIGINT NOT NULL DEFAULT 0;
UPDATE shares SET locked_until = expires_at, lock_count = 1 WHERE locked;
ALTER TABLE shares DROP COLUMN locked;
