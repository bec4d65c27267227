// params: ids
// Delete the links with the given ids, whatever their type (one seek per type and id).
UNWIND $ids AS id
CALL (id) { MATCH (:Contact)-[r:COMMUNICATES_WITH {id: id}]->(:Contact) DELETE r }
CALL (id) { MATCH (:Contact)-[r:REPORTS_TO {id: id}]->(:Contact) DELETE r }
CALL (id) { MATCH (:Contact)-[r:BACKUP_FOR {id: id}]->(:Contact) DELETE r }
