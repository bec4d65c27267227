// params: ids
// The links with the given ids, looked up in each type's relationship id index.
UNWIND $ids AS id
CALL (id) {
  MATCH (a:Contact)-[r:COMMUNICATES_WITH {id: id}]->(b:Contact)
  RETURN r {.*, source: a.id, target: b.id, kind: 'communicates'} AS row
  UNION
  MATCH (a:Contact)-[r:REPORTS_TO {id: id}]->(b:Contact)
  RETURN r {.*, source: a.id, target: b.id, kind: 'reports_to'} AS row
  UNION
  MATCH (a:Contact)-[r:BACKUP_FOR {id: id}]->(b:Contact)
  RETURN r {.*, source: a.id, target: b.id, kind: 'backup_for'} AS row
}
RETURN row
