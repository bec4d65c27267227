// params: ids
// Contacts as bundle rows, org from WORKS_FOR (all when ids is null).
MATCH (n:Contact)
WHERE $ids IS NULL OR n.id IN $ids
OPTIONAL MATCH (n)-[:WORKS_FOR]->(o:Organization)
RETURN n {.*, org: o.id} AS row
