// params: project
// Ids of everything one project's analysis needs: its stages, duties and assignments,
// the organisations taking part, and the people around it (assigned, or working or having
// worked at a participating organisation). Links, history and interactions follow in
// project_scope_people.
MATCH (p:Project {id: $project})
WITH p,
  COLLECT { MATCH (p)-[:HAS_STAGE]->(s:Stage) RETURN s.id } AS stages,
  COLLECT { MATCH (p)-[:HAS_STAGE]->(:Stage)-[:REQUIRES]->(r:Responsibility) RETURN r.id } AS responsibilities,
  COLLECT { MATCH (p)-[:HAS_STAGE]->(:Stage)-[:REQUIRES]->(:Responsibility)<-[a:ASSIGNED]-(:Contact) RETURN a.id } AS assignments,
  COLLECT { MATCH (o:Organization)-[:PARTICIPATES_IN]->(p) RETURN DISTINCT o.id } AS engaged
RETURN stages, responsibilities, assignments, engaged, COLLECT {
  MATCH (p)-[:HAS_STAGE]->(:Stage)-[:REQUIRES]->(:Responsibility)<-[:ASSIGNED]-(c:Contact) RETURN c.id AS id
  UNION
  MATCH (o:Organization)-[:PARTICIPATES_IN]->(p) MATCH (c:Contact)-[:WORKS_FOR]->(o) RETURN c.id AS id
  UNION
  MATCH (o:Organization)-[:PARTICIPATES_IN]->(p)
  MATCH (c:Contact)-[:HAS_PERIOD]->(:ContactPeriod)-[:PERIOD_AT]->(o) RETURN c.id AS id
} AS contacts
