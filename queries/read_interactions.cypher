// params: none
// Every interactions row as a bundle row.
MATCH (n:Interaction)
OPTIONAL MATCH (n)-[:ABOUT]->(p:Project)
RETURN n {.*, project: p.id, participants: COLLECT {
  MATCH (c:Contact)-[:PARTICIPATED_IN]->(n) RETURN c.id
}} AS row
