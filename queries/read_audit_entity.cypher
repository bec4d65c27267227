// params: change, token, entity, kind, actor, since, skip, limit
// One entity's audit entries matching the filters (null = any), oldest first: the full-text
// index finds the batches whose tokens hold the entity's hash, the list match is exact.
CALL db.index.fulltext.queryNodes('audit_batch_entities', $token) YIELD node AS b
WITH b
WHERE b:AuditBatch
  AND ($kind IS NULL OR b.kind = $kind)
  AND ($actor IS NULL OR b.actor = $actor)
  AND ($since IS NULL OR b.at >= $since)
  AND ($change IS NULL OR b.change = $change)
UNWIND range(0, size(b.entities) - 1) AS i
WITH b, i
WHERE b.entities[i] = $entity
ORDER BY b.at, b.change, b.seqs[i]
SKIP $skip LIMIT $limit
RETURN {change: b.change, seq: b.seqs[i], at: b.at, actor: b.actor, operation: b.operation,
        kind: b.kind, entity: b.entities[i], before: b.befores[i], after: b.afters[i]} AS entry
