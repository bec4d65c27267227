// params: none
// Every link in one record, one list per row, days as text: the portfolio scan's lean read
// (graphsvc/store/neo4j_export.py). One record instead of one map per link: read_links
// spends most of its time on the 244k records of the 50k-contact portfolio.
MATCH (a:Contact)-[r:COMMUNICATES_WITH|REPORTS_TO|BACKUP_FOR]->(b:Contact)
RETURN collect([r.id, a.id, b.id, CASE type(r)
  WHEN 'COMMUNICATES_WITH' THEN 'communicates'
  WHEN 'REPORTS_TO' THEN 'reports_to'
  ELSE 'backup_for' END,
  toString(r.last_contact), r.weight, r.channel, toString(r.valid_from), toString(r.valid_to)]) AS rows
