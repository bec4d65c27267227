// params: none
// Every responsibility as a bundle row.
MATCH (s:Stage)-[:REQUIRES]->(n:Responsibility)
RETURN n {.*, stage: s.id} AS row
