// params: rows
// Create assignments known to be new: ASSIGNED {raci, valid_from, valid_to} from contact
// to responsibility (the id constraint refuses a duplicate).
UNWIND $rows AS row
MATCH (c:Contact {id: row.contact})
MATCH (r:Responsibility {id: row.responsibility})
CREATE (c)-[a:ASSIGNED]->(r)
SET a = row.props
