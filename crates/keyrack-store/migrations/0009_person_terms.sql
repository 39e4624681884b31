-- The words each person is found by in the people list (keyrack-store `records::search_terms`):
-- a search for a word is a range scan of this index — the terms that begin with it — instead
-- of a LIKE '%word%' over every person of the tenant. The rows are rewritten by the same
-- statements that write `people.search_text` (so always in the action's transaction) and go
-- with the person.
--
-- `term` holds the word's UTF-8 bytes in lower-case hex, so that "begins with" is a plain
-- range, `term >= hex(word) AND term < hex(word) || 'g'`, under any collation of either
-- database (hex digits sort alike in all of them; letters and punctuation do not).
--
-- People stored before this version get their terms at the next start (the store fills the
-- table from `search_text` when it is empty while people exist).
CREATE TABLE person_terms (
    tenant_id  TEXT NOT NULL,
    term       TEXT NOT NULL,
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (tenant_id, term, person_id)
);
CREATE INDEX person_terms_person ON person_terms (person_id);
