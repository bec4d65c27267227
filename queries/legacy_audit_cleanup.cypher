// params: none
// Drop the indexes of the AuditEntry nodes once they are migrated (idempotent).
// Statements end in ';' and run one at a time.
DROP CONSTRAINT audit_entry_id IF EXISTS;
DROP INDEX audit_entity IF EXISTS;
DROP INDEX audit_actor IF EXISTS;
DROP INDEX audit_at IF EXISTS;
