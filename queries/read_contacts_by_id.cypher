// params: ids
// The contacts rows with the given ids, each found through the id index.
UNWIND $ids AS id
MATCH (n:Contact {id: id})
OPTIONAL MATCH (n)-[:WORKS_FOR]->(o:Organization)
RETURN n {.*, org: o.id} AS row
