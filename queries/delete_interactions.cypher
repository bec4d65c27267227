// params: ids
// Delete the interactions with the given ids, with every relationship they have.
UNWIND $ids AS id
MATCH (n:Interaction {id: id})
DETACH DELETE n
