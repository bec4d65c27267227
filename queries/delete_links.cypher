// params: ids
// Remove links by id, whatever their type (a re-imported link may have changed kind).
UNWIND $ids AS id
CALL (id) { MATCH ()-[r:COMMUNICATES_WITH {id: id}]->() DELETE r }
CALL (id) { MATCH ()-[r:REPORTS_TO {id: id}]->() DELETE r }
CALL (id) { MATCH ()-[r:BACKUP_FOR {id: id}]->() DELETE r }
