// params: rows
// Insert or replace contacts by id, with their current employer as WORKS_FOR.
UNWIND $rows AS row
MERGE (n:Contact {id: row.id})
SET n = row.props
WITH n, row
CALL (n) { MATCH (n)-[old:WORKS_FOR]->() DELETE old }
WITH n, row WHERE row.org IS NOT NULL
MATCH (o:Organization {id: row.org})
CREATE (n)-[:WORKS_FOR]->(o)
