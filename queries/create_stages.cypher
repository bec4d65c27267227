// params: rows
// Create stages known to be new, attached to their project by HAS_STAGE.
UNWIND $rows AS row
CREATE (n:Stage)
SET n = row.props
WITH n, row
MATCH (p:Project {id: row.project})
CREATE (p)-[:HAS_STAGE]->(n)
