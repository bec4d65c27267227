// params: ids
// Delete the assignments (ASSIGNED relationships) with the given ids.
UNWIND $ids AS id
MATCH (:Contact)-[r:ASSIGNED {id: id}]->(:Responsibility)
DELETE r
