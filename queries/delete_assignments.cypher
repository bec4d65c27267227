// params: ids
// Remove assignments by id (before re-creating them: their endpoints may have changed).
UNWIND $ids AS id
MATCH ()-[a:ASSIGNED {id: id}]->()
DELETE a
