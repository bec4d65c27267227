// params: ids
// The interactions rows with the given ids, each found through the id index.
UNWIND $ids AS id
MATCH (n:Interaction {id: id})
OPTIONAL MATCH (n)-[:ABOUT]->(p:Project)
RETURN n {.*, project: p.id, participants: COLLECT {
  MATCH (c:Contact)-[:PARTICIPATED_IN]->(n) RETURN c.id
}} AS row
