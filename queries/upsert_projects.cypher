// params: rows
// Insert or replace projects by id, with participating organisations as PARTICIPATES_IN.
UNWIND $rows AS row
MERGE (n:Project {id: row.id})
SET n = row.props
WITH n, row
CALL (n) { MATCH (n)<-[old:PARTICIPATES_IN]-() DELETE old }
UNWIND row.organizations AS part
MATCH (o:Organization {id: part.org})
CREATE (o)-[r:PARTICIPATES_IN]->(n)
SET r = part.props
