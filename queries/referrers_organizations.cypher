// params: ids
// Rows holding a reference to the given organisations: their people (current and
// earlier employer) and the projects they take part in.
UNWIND $ids AS id
MATCH (o:Organization {id: id})
RETURN COLLECT { MATCH (c:Contact)-[:WORKS_FOR]->(o) RETURN c.id } AS contacts,
       COLLECT { MATCH (h:ContactPeriod)-[:PERIOD_AT]->(o) RETURN h.id } AS contact_history,
       COLLECT { MATCH (o)-[:PARTICIPATES_IN]->(p:Project) RETURN p.id } AS projects
