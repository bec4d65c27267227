// params: change, kind, actor, since
// How many audit entries match the filters (null = any): the total `read_audit` pages through.
MATCH (b:AuditBatch)
WHERE ($kind IS NULL OR b.kind = $kind)
  AND ($actor IS NULL OR b.actor = $actor)
  AND ($since IS NULL OR b.at >= $since)
  AND ($change IS NULL OR b.change = $change)
RETURN coalesce(sum(size(b.seqs)), 0) AS entries
