// params: ids
// Earlier contact states as bundle rows (all when ids is null).
MATCH (c:Contact)-[:HAS_PERIOD]->(n:ContactPeriod)
WHERE $ids IS NULL OR n.id IN $ids
OPTIONAL MATCH (n)-[:PERIOD_AT]->(o:Organization)
RETURN n {.*, contact: c.id, org: o.id} AS row
