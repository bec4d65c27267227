// params: none
// Every earlier contact state as a bundle row.
MATCH (c:Contact)-[:HAS_PERIOD]->(n:ContactPeriod)
OPTIONAL MATCH (n)-[:PERIOD_AT]->(o:Organization)
RETURN n {.*, contact: c.id, org: o.id} AS row
