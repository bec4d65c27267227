// params: ids
// The organizations rows with the given ids, each found through the id index.
UNWIND $ids AS id
MATCH (n:Organization {id: id})
RETURN n {.*} AS row
