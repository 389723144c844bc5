-- Scanpass vault index, version 3: the patient's shares (issue 6). One JSON document per share
-- (the link with its key, the relay's owner secret, the options, the upload state and, while an
-- upload is unfinished, what resuming it needs), encrypted with the rest of the index by
-- SQLCipher. The id is the relay's share id. Deleting the study keeps the share's record (the
-- ciphertext on the relay stays revocable).
CREATE TABLE share (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    study_id    TEXT REFERENCES study(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
