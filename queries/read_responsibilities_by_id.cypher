// params: ids
// The responsibilities with the given ids, each found through the id index.
UNWIND $ids AS id
MATCH (s:Stage)-[:REQUIRES]->(n:Responsibility {id: id})
RETURN n {.*, stage: s.id} AS row
