// params: rows
// Insert or update ASSIGNED {raci, valid_from, valid_to} from contact to responsibility, by id.
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact})
MATCH (r:Responsibility {id: row.responsibility})
MERGE (c)-[a:ASSIGNED {id: row.id}]->(r)
SET a = row.props
