// params: ids
// Rows holding a reference to the given stages: their responsibilities.
UNWIND $ids AS id
MATCH (s:Stage {id: id})
RETURN COLLECT { MATCH (s)-[:REQUIRES]->(r:Responsibility) RETURN r.id } AS responsibilities
