-- Scanpass vault index, version 2: records requests (issue 5). Each request is one JSON document
-- (answers, tracking, or the unfinished wizard), encrypted with the rest of the index by
-- SQLCipher. The link to the study the images were imported as is a real foreign key, so deleting
-- the study clears it. Ids are random.
CREATE TABLE request (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    study_id    TEXT REFERENCES study(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
