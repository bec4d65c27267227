// params: rows
// Create reports_to links known to be new (REPORTS_TO from source to target; the id
// constraint refuses a duplicate).
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
CREATE (a)-[r:REPORTS_TO]->(b)
SET r = row.props
