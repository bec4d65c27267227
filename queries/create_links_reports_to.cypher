// params: rows
// Create reports_to links as REPORTS_TO from source to target.
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
CREATE (a)-[r:REPORTS_TO]->(b)
SET r = row.props
