-- Import previews keep one row per row of the file instead of two JSON documents of the whole
-- file: a 100,000-row preview was two texts of tens of megabytes each, which the database
-- copied while binding them, and every page of the console's preview table had to read and
-- parse all of it. Now a page is an index range (`import_rows_class`), apply reads the plans
-- a page at a time, and nothing holds the whole file as one text.
--
-- Previews live 24 hours and carry no data of their own that is not in the people or the audit
-- log, so the existing ones are dropped rather than converted: an unapplied file is uploaded
-- again.
DELETE FROM imports;
ALTER TABLE imports DROP COLUMN preview;
ALTER TABLE imports DROP COLUMN plan;
-- Columns of the file that are ignored (unknown or without a header), as JSON.
ALTER TABLE imports ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
-- The uploaded file's format and header row, as JSON: with each row's `cells`, the console's
-- error report gives the file back with an extra column of errors.
ALTER TABLE imports ADD COLUMN source TEXT;

CREATE TABLE import_rows (
    tenant_id  TEXT NOT NULL,
    import_id  TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    -- The row's place in the file (0, 1, ...): the order in which apply writes.
    position   INTEGER NOT NULL,
    -- The row number as the spreadsheet shows it, by which the API and the console choose rows.
    row_number INTEGER NOT NULL,
    class      TEXT NOT NULL,
    -- What the API shows (changes, errors; never a password), as JSON.
    shown      TEXT NOT NULL,
    -- The row's cells as read, with the password cell emptied (JSON), for the error report.
    cells      TEXT NOT NULL,
    -- What apply writes, for a new or changed row, with a new password only as its argon2id
    -- hash; cleared once applied.
    plan       TEXT,
    PRIMARY KEY (import_id, position)
);
CREATE INDEX import_rows_class ON import_rows (import_id, class, position);
CREATE UNIQUE INDEX import_rows_number ON import_rows (import_id, row_number);
