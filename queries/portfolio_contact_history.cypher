// params: none
// Every earlier contact state in one record, one list per row, days as text: the portfolio
// scan's lean read (graphsvc/store/neo4j_export.py).
MATCH (c:Contact)-[:HAS_PERIOD]->(n:ContactPeriod)
OPTIONAL MATCH (n)-[:PERIOD_AT]->(o:Organization)
RETURN collect([n.id, c.id, o.id, n.title, n.status, toString(n.valid_from), toString(n.valid_to)]) AS rows
