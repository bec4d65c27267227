// params: rows
// Create logged interactions known to be new, with PARTICIPATED_IN from each contact and
// ABOUT a project.
UNWIND $rows AS row
CREATE (n:Interaction)
SET n = row.props
WITH n, row
CALL (n, row) {
  UNWIND row.participants AS cid
  MATCH (c:Contact {id: cid})
  CREATE (c)-[:PARTICIPATED_IN]->(n)
}
WITH n, row WHERE row.project IS NOT NULL
MATCH (p:Project {id: row.project})
CREATE (n)-[:ABOUT]->(p)
