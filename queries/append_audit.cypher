// params: rows
// Append audit entries (values as JSON text). Entries are never updated or removed here.
UNWIND $rows AS row
CREATE (e:AuditEntry)
SET e = row
