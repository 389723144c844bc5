-- Share metadata on PostgreSQL: the same rows as migrations/sqlite/001_init.sql, in PostgreSQL's
-- types. Several relay processes share these tables; every counter is changed by an UPDATE that
-- does the arithmetic in SQL (see relay/src/meta/postgres.rs). No key, no plaintext, no client IP.
CREATE TABLE shares (
    id                TEXT PRIMARY KEY,          -- random 128-bit, base64url
    owner_hash        BYTEA NOT NULL,            -- SHA-256 of the 32-byte owner secret
    created_at        BIGINT NOT NULL,           -- unix seconds
    expires_at        BIGINT NOT NULL,
    max_downloads     BIGINT,                    -- NULL: unlimited
    downloads         BIGINT NOT NULL DEFAULT 0,
    exhausted_at      BIGINT,                    -- when the last allowed download happened
    size_quota        BIGINT NOT NULL,
    bytes_used        BIGINT NOT NULL DEFAULT 0,
    auth_verifier     BYTEA,                     -- SHA-256 the recipient token must hash to
    auth_failures     BIGINT NOT NULL DEFAULT 0,
    locked            BOOLEAN NOT NULL DEFAULT FALSE,
    manifest_size     BIGINT,
    manifest_sha256   BYTEA,
    finalized_chunks  BIGINT,                    -- NULL until finalized
    state             TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'revoked', 'expired')),
    purged            BOOLEAN NOT NULL DEFAULT FALSE -- objects deleted; the row stays as a tombstone
);
CREATE INDEX shares_purge ON shares (purged, expires_at);

CREATE TABLE chunks (
    share_id  TEXT NOT NULL REFERENCES shares (id),
    idx       BIGINT NOT NULL,
    size      BIGINT NOT NULL,
    sha256    BYTEA NOT NULL,
    PRIMARY KEY (share_id, idx)
);

CREATE TABLE events (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- the log's order
    share_id  TEXT NOT NULL REFERENCES shares (id),
    at        BIGINT NOT NULL,
    event     TEXT NOT NULL CHECK (event IN ('manifest', 'chunk', 'denied', 'locked'))
);
CREATE INDEX events_share ON events (share_id, seq);
