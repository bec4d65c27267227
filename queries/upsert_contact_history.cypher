// params: rows
// Insert or replace earlier states of contacts (HAS_PERIOD), each with its employer (PERIOD_AT).
UNWIND $rows AS row
MERGE (n:ContactPeriod {id: row.id})
SET n = row.props
WITH n, row
CALL (n) { MATCH (n)-[old:PERIOD_AT]->() DELETE old }
CALL (n) { MATCH (n)<-[old:HAS_PERIOD]-() DELETE old }
MATCH (c:Contact {id: row.contact})
CREATE (c)-[:HAS_PERIOD]->(n)
WITH n, row WHERE row.org IS NOT NULL
MATCH (o:Organization {id: row.org})
CREATE (n)-[:PERIOD_AT]->(o)
