// params: ids
// Assignments as bundle rows (all when ids is null).
MATCH (c:Contact)-[a:ASSIGNED]->(r:Responsibility)
WHERE $ids IS NULL OR a.id IN $ids
RETURN a {.*, contact: c.id, responsibility: r.id} AS row
