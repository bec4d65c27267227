// params: kind, entity, actor, since, skip, limit
// Audit entries matching the filters (null = any), oldest first.
MATCH (e:AuditEntry)
WHERE ($kind IS NULL OR e.kind = $kind)
  AND ($entity IS NULL OR e.entity = $entity)
  AND ($actor IS NULL OR e.actor = $actor)
  AND ($since IS NULL OR e.at >= $since)
RETURN e {.*} AS entry
ORDER BY e.at, e.change, e.seq
SKIP $skip LIMIT $limit
