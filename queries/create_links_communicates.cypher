// params: rows
// Create communicates links as COMMUNICATES_WITH from source to target.
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
CREATE (a)-[r:COMMUNICATES_WITH]->(b)
SET r = row.props
