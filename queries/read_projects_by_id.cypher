// params: ids
// The projects rows with the given ids, each found through the id index.
UNWIND $ids AS id
MATCH (n:Project {id: id})
RETURN n {.*, organizations: COLLECT {
  MATCH (o:Organization)-[r:PARTICIPATES_IN]->(n)
  RETURN r {.*, org: o.id}
}} AS row
