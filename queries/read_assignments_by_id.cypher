// params: ids
// The assignments with the given ids, each found through the relationship id index.
UNWIND $ids AS id
MATCH (c:Contact)-[a:ASSIGNED {id: id}]->(r:Responsibility)
RETURN a {.*, contact: c.id, responsibility: r.id} AS row
