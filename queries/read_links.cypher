// params: ids
// Links of all three kinds as bundle rows (all when ids is null).
MATCH (a:Contact)-[r:COMMUNICATES_WITH|REPORTS_TO|BACKUP_FOR]->(b:Contact)
WHERE $ids IS NULL OR r.id IN $ids
RETURN r {.*, source: a.id, target: b.id, kind: CASE type(r)
  WHEN 'COMMUNICATES_WITH' THEN 'communicates'
  WHEN 'REPORTS_TO' THEN 'reports_to'
  ELSE 'backup_for' END} AS row
