// params: ids
// Delete the stages with the given ids, with every relationship they have.
UNWIND $ids AS id
MATCH (n:Stage {id: id})
DETACH DELETE n
