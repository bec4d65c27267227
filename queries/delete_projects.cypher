// params: ids
// Delete the projects with the given ids, with every relationship they have.
UNWIND $ids AS id
MATCH (n:Project {id: id})
DETACH DELETE n
