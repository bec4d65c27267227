// params: rows
// Insert or update backup_for links (BACKUP_FOR from source to target), by id.
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
MERGE (a)-[r:BACKUP_FOR {id: row.id}]->(b)
SET r = row.props
