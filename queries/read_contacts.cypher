// params: none
// Every contacts row as a bundle row.
MATCH (n:Contact)
OPTIONAL MATCH (n)-[:WORKS_FOR]->(o:Organization)
RETURN n {.*, org: o.id} AS row
