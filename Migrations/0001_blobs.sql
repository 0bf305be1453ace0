-- Index of the content-addressed blob store: one row per stored blob (its SHA-256 and size).
-- The migrator keeps its own bookkeeping table, schema_migrations.
CREATE TABLE blobs (
    sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL CHECK (size >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
