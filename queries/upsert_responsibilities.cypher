// params: rows
// Insert or replace responsibilities by id, required by their stage (REQUIRES).
UNWIND $rows AS row
MERGE (n:Responsibility {id: row.id})
SET n = row.props
WITH n, row
CALL (n) { MATCH (n)<-[old:REQUIRES]-() DELETE old }
MATCH (s:Stage {id: row.stage})
CREATE (s)-[:REQUIRES]->(n)
