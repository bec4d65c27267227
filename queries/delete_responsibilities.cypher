// params: ids
// Delete the responsibilities with the given ids, with every relationship they have.
UNWIND $ids AS id
MATCH (n:Responsibility {id: id})
DETACH DELETE n
