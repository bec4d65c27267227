// params: change, token, entity, kind, actor, since
// How many of one entity's audit entries match the filters (null = any): the total
// `read_audit_entity` pages through.
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
RETURN count(*) AS entries
