// params: ids
// Stages as bundle rows (all when ids is null).
MATCH (p:Project)-[:HAS_STAGE]->(n:Stage)
WHERE $ids IS NULL OR n.id IN $ids
RETURN n {.*, project: p.id} AS row
