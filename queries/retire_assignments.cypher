// params: rows
// Remove stored assignments whose contact or responsibility differs from the incoming row,
// so that merge_assignments can update the rest in place.
UNWIND $rows AS row
MATCH (c:Contact)-[a:ASSIGNED {id: row.id}]->(r:Responsibility)
WHERE c.id <> row.contact OR r.id <> row.responsibility
DELETE a
