// params: ids
// Organisations as bundle rows (all when ids is null).
MATCH (n:Organization)
WHERE $ids IS NULL OR n.id IN $ids
RETURN n {.*} AS row
