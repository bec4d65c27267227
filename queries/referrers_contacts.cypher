// params: ids
// Rows holding a reference to the given contacts: earlier states, assignments, links
// either way, and the interactions they took part in.
UNWIND $ids AS id
MATCH (c:Contact {id: id})
RETURN COLLECT { MATCH (c)-[:HAS_PERIOD]->(h:ContactPeriod) RETURN h.id } AS contact_history,
       COLLECT { MATCH (c)-[a:ASSIGNED]->(:Responsibility) RETURN a.id } AS assignments,
       COLLECT { MATCH (c)-[l:COMMUNICATES_WITH|REPORTS_TO|BACKUP_FOR]-(:Contact) RETURN l.id } AS links,
       COLLECT { MATCH (c)-[:PARTICIPATED_IN]->(i:Interaction) RETURN i.id } AS interactions
