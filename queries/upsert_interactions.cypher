// params: rows
// Insert or replace logged interactions, with PARTICIPATED_IN from each contact and ABOUT a project.
UNWIND $rows AS row
MERGE (n:Interaction {id: row.id})
SET n = row.props
WITH n, row
CALL (n) { MATCH (n)-[old:ABOUT]->() DELETE old }
CALL (n) { MATCH (n)<-[old:PARTICIPATED_IN]-() DELETE old }
CALL (n, row) {
  UNWIND row.participants AS cid
  MATCH (c:Contact {id: cid})
  CREATE (c)-[:PARTICIPATED_IN]->(n)
}
WITH n, row WHERE row.project IS NOT NULL
MATCH (p:Project {id: row.project})
CREATE (n)-[:ABOUT]->(p)
