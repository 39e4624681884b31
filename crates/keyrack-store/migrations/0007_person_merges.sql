-- Merged people (two records of one person, usually found through a shared e-mail address).
-- The merged person's row is deleted, but their audit events are never rewritten: this table
-- says whose history they now belong to. When a survivor is itself merged later, its rows are
-- copied to the new survivor, so one lookup by `survivor_id` finds every merged-in person.
-- No foreign key on the people: the history outlives them (like `audit_events.subject_id`).
CREATE TABLE person_merges (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    survivor_id  TEXT NOT NULL,
    merged_id    TEXT NOT NULL,
    merged_at    BIGINT NOT NULL,
    PRIMARY KEY (survivor_id, merged_id)
);
CREATE INDEX person_merges_tenant ON person_merges (tenant_id, survivor_id);
