// params: none
// An index on the old entries' change id, so the migration takes them change by change
// (dropped again by legacy_audit_cleanup). Statements end in ';' and run one at a time.
CREATE INDEX legacy_audit_change IF NOT EXISTS FOR (n:AuditEntry) ON (n.change);
CALL db.awaitIndexes(600);
