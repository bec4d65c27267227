// params: rows
// Create ASSIGNED {raci, valid_from, valid_to} from contact to responsibility.
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact})
MATCH (r:Responsibility {id: row.responsibility})
CREATE (c)-[a:ASSIGNED]->(r)
SET a = row.props
