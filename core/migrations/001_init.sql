-- Scanpass vault index, version 1. The whole database is encrypted by SQLCipher; study keys are
-- additionally sealed by the vault key (crypto-shredding on delete). Ids are random, never UIDs.
CREATE TABLE study (
    id            TEXT PRIMARY KEY,
    study_uid     TEXT NOT NULL UNIQUE,
    patient_name  TEXT,
    patient_id    TEXT,
    birth_date    TEXT,
    sex           TEXT,
    study_date    TEXT,
    description   TEXT,
    accession     TEXT,
    sealed_key    BLOB NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE series (
    id            TEXT PRIMARY KEY,
    study_id      TEXT NOT NULL REFERENCES study(id) ON DELETE CASCADE,
    series_uid    TEXT NOT NULL UNIQUE,
    number        INTEGER,
    modality      TEXT,
    description   TEXT,
    body_part     TEXT
);
CREATE INDEX series_study ON series(study_id);

CREATE TABLE instance (
    id              TEXT PRIMARY KEY,
    series_id       TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    sop_uid         TEXT NOT NULL,
    sop_class       TEXT,
    number          INTEGER,
    position        TEXT,   -- Image Position (Patient), "x\y\z"
    orientation     TEXT,   -- Image Orientation (Patient), six values
    frames          INTEGER NOT NULL DEFAULT 1,
    rows            INTEGER,
    cols            INTEGER,
    transfer_syntax TEXT,
    blob_id         TEXT NOT NULL UNIQUE,
    size            INTEGER NOT NULL,
    sha256          BLOB NOT NULL,
    conflict        INTEGER NOT NULL DEFAULT 0, -- same SOP Instance UID, different content
    imported_at     INTEGER NOT NULL
);
CREATE INDEX instance_series ON instance(series_id);
CREATE INDEX instance_sop ON instance(sop_uid);

CREATE TABLE thumbnail (
    series_id  TEXT PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
    blob_id    TEXT NOT NULL UNIQUE
);
