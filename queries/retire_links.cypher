// params: rows
// Remove stored links whose endpoints or kind differ from the incoming row, so that the
// merge_links_* queries can update the rest in place.
UNWIND $rows AS row
CALL (row) {
  MATCH (a:Contact)-[r:COMMUNICATES_WITH {id: row.id}]->(b:Contact)
  WHERE row.kind <> 'communicates' OR a.id <> row.source OR b.id <> row.target
  DELETE r
}
CALL (row) {
  MATCH (a:Contact)-[r:REPORTS_TO {id: row.id}]->(b:Contact)
  WHERE row.kind <> 'reports_to' OR a.id <> row.source OR b.id <> row.target
  DELETE r
}
CALL (row) {
  MATCH (a:Contact)-[r:BACKUP_FOR {id: row.id}]->(b:Contact)
  WHERE row.kind <> 'backup_for' OR a.id <> row.source OR b.id <> row.target
  DELETE r
}
