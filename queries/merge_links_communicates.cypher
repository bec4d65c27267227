// params: rows
// Insert or update communicates links (COMMUNICATES_WITH from source to target), by id.
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
MERGE (a)-[r:COMMUNICATES_WITH {id: row.id}]->(b)
SET r = row.props
