// params: ids
// Projects as bundle rows with their participating organisations (all when ids is null).
MATCH (n:Project)
WHERE $ids IS NULL OR n.id IN $ids
RETURN n {.*, organizations: COLLECT {
  MATCH (o:Organization)-[r:PARTICIPATES_IN]->(n)
  RETURN r {.*, org: o.id}
}} AS row
