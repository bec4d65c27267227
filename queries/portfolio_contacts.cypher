// params: none
// Every contact in one record, one list per row, days as 'YYYY-MM-DD' text: the portfolio
// scan's lean read (graphsvc/store/neo4j_export.py).
MATCH (n:Contact)
OPTIONAL MATCH (n)-[:WORKS_FOR]->(o:Organization)
RETURN collect([n.id, n.name, o.id, n.title, n.status, toString(n.since), n.emails, n.phones,
  n.preferred_channel, n.language, n.tags, n.notes]) AS rows
