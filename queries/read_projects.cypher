// params: none
// Every projects row as a bundle row.
MATCH (n:Project)
RETURN n {.*, organizations: COLLECT {
  MATCH (o:Organization)-[r:PARTICIPATES_IN]->(n)
  RETURN r {.*, org: o.id}
}} AS row
