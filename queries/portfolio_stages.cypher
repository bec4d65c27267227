// params: none
// Every stage in one record, one list per row, days as text: the portfolio scan's lean
// read (graphsvc/store/neo4j_export.py).
MATCH (p:Project)-[:HAS_STAGE]->(n:Stage)
RETURN collect([n.id, p.id, n.name, n.order, n.status, toString(n.start), toString(n.end)]) AS rows
