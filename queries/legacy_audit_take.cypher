// params: limit
// Up to $limit AuditEntry nodes, removed as they are read (the caller writes them back as
// batches in the same transaction).
MATCH (e:AuditEntry)
WITH e LIMIT $limit
WITH e, e {.change, .seq, .at, .actor, .operation, .kind, .entity, .before, .after} AS entry
DETACH DELETE e
RETURN entry
