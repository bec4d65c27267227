// params: ids
// Delete the contacts with the given ids, with every relationship they have.
UNWIND $ids AS id
MATCH (n:Contact {id: id})
DETACH DELETE n
