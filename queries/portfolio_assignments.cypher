// params: none
// Every assignment in one record, one list per row, days as text: the portfolio scan's
// lean read (graphsvc/store/neo4j_export.py).
MATCH (c:Contact)-[a:ASSIGNED]->(r:Responsibility)
RETURN collect([a.id, c.id, r.id, a.raci, toString(a.valid_from), toString(a.valid_to)]) AS rows
