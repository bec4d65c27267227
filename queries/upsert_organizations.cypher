// params: rows
// Insert or replace organisations by id.
UNWIND $rows AS row
MERGE (n:Organization {id: row.id})
SET n = row.props
