// params: none
// Every interaction in one record, one list per row (the instant as the driver's DateTime):
// the portfolio scan's lean read (graphsvc/store/neo4j_export.py).
MATCH (n:Interaction)
OPTIONAL MATCH (n)-[:ABOUT]->(p:Project)
RETURN collect([n.id, n.at, COLLECT {
  MATCH (c:Contact)-[:PARTICIPATED_IN]->(n) RETURN c.id
}, n.channel, n.summary, p.id, n.sender]) AS rows
