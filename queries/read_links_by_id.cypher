// params: ids
// The links with the given ids. One pass over the links with a set filter: a per-id
// UNION of the three typed index seeks was planned badly (it hung on 25k ids).
MATCH (a:Contact)-[r:COMMUNICATES_WITH|REPORTS_TO|BACKUP_FOR]->(b:Contact)
WHERE r.id IN $ids
RETURN r {.*, source: a.id, target: b.id, kind: CASE type(r)
  WHEN 'COMMUNICATES_WITH' THEN 'communicates'
  WHEN 'REPORTS_TO' THEN 'reports_to'
  ELSE 'backup_for' END} AS row
