// params: rows
// Create communicates links known to be new (COMMUNICATES_WITH from source to target; the id
// constraint refuses a duplicate).
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
CREATE (a)-[r:COMMUNICATES_WITH]->(b)
SET r = row.props
