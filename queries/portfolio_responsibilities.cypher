// params: none
// Every responsibility in one record, one list per row: the portfolio scan's lean read
// (graphsvc/store/neo4j_export.py).
MATCH (s:Stage)-[:REQUIRES]->(n:Responsibility)
RETURN collect([n.id, s.id, n.name, n.description]) AS rows
