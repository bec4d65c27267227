// params: ids
// The stages with the given ids, each found through the id index.
UNWIND $ids AS id
MATCH (p:Project)-[:HAS_STAGE]->(n:Stage {id: id})
RETURN n {.*, project: p.id} AS row
