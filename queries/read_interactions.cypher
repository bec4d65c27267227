// params: ids
// Interactions as bundle rows with their participants and project (all when ids is null).
MATCH (n:Interaction)
WHERE $ids IS NULL OR n.id IN $ids
OPTIONAL MATCH (n)-[:ABOUT]->(p:Project)
RETURN n {.*, project: p.id, participants: COLLECT {
  MATCH (c:Contact)-[:PARTICIPATED_IN]->(n) RETURN c.id
}} AS row
