// params: rows
// Insert or replace stages by id, attached to their project by HAS_STAGE.
UNWIND $rows AS row
MERGE (n:Stage {id: row.id})
SET n = row.props
WITH n, row
CALL (n) { MATCH (n)<-[old:HAS_STAGE]-() DELETE old }
MATCH (p:Project {id: row.project})
CREATE (p)-[:HAS_STAGE]->(n)
