// params: none
// Every assignment as a bundle row.
MATCH (c:Contact)-[a:ASSIGNED]->(r:Responsibility)
RETURN a {.*, contact: c.id, responsibility: r.id} AS row
