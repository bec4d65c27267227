// params: none
// Every project in one record, one list per row, its participations as lists, days as
// text: the portfolio scan's lean read (graphsvc/store/neo4j_export.py).
MATCH (n:Project)
RETURN collect([n.id, n.name, n.description, COLLECT {
  MATCH (o:Organization)-[r:PARTICIPATES_IN]->(n)
  RETURN [o.id, r.role, toString(r.valid_from), toString(r.valid_to)]
}]) AS rows
