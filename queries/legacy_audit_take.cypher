// params: changes
// The AuditEntry nodes of these changes, removed as they are read (the caller writes them
// back as batches in the same transaction).
MATCH (e:AuditEntry)
WHERE e.change IN $changes
WITH e, e {.change, .seq, .at, .actor, .operation, .kind, .entity, .before, .after} AS entry
DETACH DELETE e
RETURN entry
