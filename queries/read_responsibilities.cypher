// params: ids
// Responsibilities as bundle rows (all when ids is null).
MATCH (s:Stage)-[:REQUIRES]->(n:Responsibility)
WHERE $ids IS NULL OR n.id IN $ids
RETURN n {.*, stage: s.id} AS row
