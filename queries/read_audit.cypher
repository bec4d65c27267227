// params: change, kind, actor, since, skip, limit
// Audit entries matching the filters (null = any), oldest first; each batch node holds
// its entries in parallel lists (see graphsvc/store/neo4j_audit.py).
MATCH (b:AuditBatch)
WHERE ($kind IS NULL OR b.kind = $kind)
  AND ($actor IS NULL OR b.actor = $actor)
  AND ($since IS NULL OR b.at >= $since)
  AND ($change IS NULL OR b.change = $change)
UNWIND range(0, size(b.seqs) - 1) AS i
WITH b, i
ORDER BY b.at, b.change, b.seqs[i]
SKIP $skip LIMIT $limit
RETURN {change: b.change, seq: b.seqs[i], at: b.at, actor: b.actor, operation: b.operation,
        kind: b.kind, entity: b.entities[i], before: b.befores[i], after: b.afters[i]} AS entry
