// params: rows
// Insert or update reports_to links (REPORTS_TO from source to target), by id.
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
MERGE (a)-[r:REPORTS_TO {id: row.id}]->(b)
SET r = row.props
