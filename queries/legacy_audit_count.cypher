// params: none
// Whether AuditEntry nodes (one per entry, before 2026-11-23) remain to be migrated.
MATCH (e:AuditEntry)
RETURN count(e) AS entries
