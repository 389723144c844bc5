-- Wrong-token lockout with back-off (issue 15, points 1 and 6).
-- passcode: whether the recipient token is guessable (derived with a passcode the patient typed);
--   only such shares count wrong tokens and lock. A token from the link key alone has 256 bits.
--   Shares from before this migration count as guessable, as they were all treated.
-- auth_pending: attempts counted before their token is compared and not settled yet; a right
--   token gives its attempt back, a wrong one moves it to auth_failures (wrong tokens in the
--   current window). No attempt is counted while auth_failures + auth_pending reaches the limit.
-- auth_pending_at: when the last attempt was counted; pending attempts older than a minute (a relay
--   that died while comparing) are forgotten, so that they cannot hold the share shut.
-- locked_until: unix seconds until which every recipient request is refused; 0 = not locked.
-- lock_count: locks so far; each doubles the next lock's length.
ALTER TABLE shares ADD COLUMN passcode INTEGER NOT NULL DEFAULT 1;
ALTER TABLE shares ADD COLUMN auth_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN auth_pending_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN lock_count INTEGER NOT NULL DEFAULT 0;
UPDATE shares SET locked_until = expires_at, lock_count = 1 WHERE locked != 0;
ALTER TABLE shares DROP COLUMN locked;
