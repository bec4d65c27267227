// params: ids
// Rows holding a reference to the given responsibilities: their assignments.
UNWIND $ids AS id
MATCH (r:Responsibility {id: id})
RETURN COLLECT { MATCH (:Contact)-[a:ASSIGNED]->(r) RETURN a.id } AS assignments
