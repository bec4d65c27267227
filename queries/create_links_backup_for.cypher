// params: rows
// Create backup_for links known to be new (BACKUP_FOR from source to target; the id
// constraint refuses a duplicate).
UNWIND $rows AS row
MATCH (a:Contact {id: row.source})
MATCH (b:Contact {id: row.target})
CREATE (a)-[r:BACKUP_FOR]->(b)
SET r = row.props
