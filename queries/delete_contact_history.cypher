// params: ids
// Delete the contact_history with the given ids, with every relationship they have.
UNWIND $ids AS id
MATCH (n:ContactPeriod {id: id})
DETACH DELETE n
