// params: rows
// Create responsibilities known to be new, required by their stage (REQUIRES).
UNWIND $rows AS row
CREATE (n:Responsibility)
SET n = row.props
WITH n, row
MATCH (s:Stage {id: row.stage})
CREATE (s)-[:REQUIRES]->(n)
