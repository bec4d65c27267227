// params: none
// Every link, of all three kinds, as a bundle row.
MATCH (a:Contact)-[r:COMMUNICATES_WITH|REPORTS_TO|BACKUP_FOR]->(b:Contact)
RETURN r {.*, source: a.id, target: b.id, kind: CASE type(r)
  WHEN 'COMMUNICATES_WITH' THEN 'communicates'
  WHEN 'REPORTS_TO' THEN 'reports_to'
  ELSE 'backup_for' END} AS row
