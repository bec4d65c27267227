// params: ids
// The earlier contact states with the given ids, each found through the id index.
UNWIND $ids AS id
MATCH (c:Contact)-[:HAS_PERIOD]->(n:ContactPeriod {id: id})
OPTIONAL MATCH (n)-[:PERIOD_AT]->(o:Organization)
RETURN n {.*, contact: c.id, org: o.id} AS row
