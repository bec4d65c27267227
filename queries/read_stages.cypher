// params: none
// Every stage as a bundle row.
MATCH (p:Project)-[:HAS_STAGE]->(n:Stage)
RETURN n {.*, project: p.id} AS row
