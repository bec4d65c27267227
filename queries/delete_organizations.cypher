// params: ids
// Delete the organizations with the given ids, with every relationship they have.
UNWIND $ids AS id
MATCH (n:Organization {id: id})
DETACH DELETE n
