-- The uploaded rows of an import preview, as read, with every password cell emptied: the
-- console's error report gives the file back with an extra column of errors, and apply must
-- not need the upload again. Deleted with the preview when it expires.
ALTER TABLE imports ADD COLUMN source TEXT;
