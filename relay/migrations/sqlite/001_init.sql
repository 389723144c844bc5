-- Share metadata. The relay stores no key, no plaintext, no client IP: the owner secret only as
-- its SHA-256, the recipient's passcode-derived token only as the verifier the owner chose.
CREATE TABLE shares (
    id                TEXT PRIMARY KEY,          -- random 128-bit, base64url
    owner_hash        BLOB NOT NULL,             -- SHA-256 of the 32-byte owner secret
    created_at        INTEGER NOT NULL,          -- unix seconds
    expires_at        INTEGER NOT NULL,
    max_downloads     INTEGER,                   -- NULL: unlimited
    downloads         INTEGER NOT NULL DEFAULT 0,
    exhausted_at      INTEGER,                   -- when the last allowed download happened
    size_quota        INTEGER NOT NULL,
    bytes_used        INTEGER NOT NULL DEFAULT 0,
    auth_verifier     BLOB,                      -- SHA-256 the recipient token must hash to
    auth_failures     INTEGER NOT NULL DEFAULT 0,
    locked            INTEGER NOT NULL DEFAULT 0,
    manifest_size     INTEGER,
    manifest_sha256   BLOB,
    finalized_chunks  INTEGER,                   -- NULL until finalized
    state             TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked', 'expired')),
    purged            INTEGER NOT NULL DEFAULT 0 -- objects deleted; the row stays as a tombstone
);
CREATE INDEX shares_purge ON shares (purged, expires_at);

CREATE TABLE chunks (
    share_id  TEXT NOT NULL REFERENCES shares (id),
    idx       INTEGER NOT NULL,
    size      INTEGER NOT NULL,
    sha256    BLOB NOT NULL,
    PRIMARY KEY (share_id, idx)
) WITHOUT ROWID;

CREATE TABLE events (
    share_id  TEXT NOT NULL REFERENCES shares (id),
    at        INTEGER NOT NULL,
    event     TEXT NOT NULL CHECK (event IN ('manifest', 'chunk', 'denied', 'locked'))
);
CREATE INDEX events_share ON events (share_id, at);
