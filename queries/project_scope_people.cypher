// params: project, contacts
// For the people around a project: the links among them, their earlier states, the
// interactions they took part in (or that concern the project) and their employers.
// Every match starts from a listed contact by its id index: left to itself the planner
// may start from the other end and scan contacts x links.
RETURN COLLECT {
  UNWIND $contacts AS cid
  MATCH (a:Contact {id: cid})-[r:COMMUNICATES_WITH|REPORTS_TO|BACKUP_FOR]->(b:Contact)
  USING INDEX a:Contact(id)
  WHERE b.id IN $contacts
  RETURN r.id
} AS links, COLLECT {
  UNWIND $contacts AS cid
  MATCH (a:Contact {id: cid})-[:HAS_PERIOD]->(h:ContactPeriod)
  USING INDEX a:Contact(id)
  RETURN h.id
} AS contact_history, COLLECT {
  UNWIND $contacts AS cid
  MATCH (a:Contact {id: cid})-[:PARTICIPATED_IN]->(i:Interaction)
  USING INDEX a:Contact(id)
  RETURN i.id AS id
  UNION
  MATCH (i:Interaction)-[:ABOUT]->(:Project {id: $project})
  RETURN i.id AS id
} AS interactions, COLLECT {
  UNWIND $contacts AS cid
  MATCH (a:Contact {id: cid})-[:WORKS_FOR]->(o:Organization)
  USING INDEX a:Contact(id)
  RETURN o.id AS id
  UNION
  UNWIND $contacts AS cid
  MATCH (a:Contact {id: cid})-[:HAS_PERIOD]->(:ContactPeriod)-[:PERIOD_AT]->(o:Organization)
  USING INDEX a:Contact(id)
  RETURN o.id AS id
} AS employers
