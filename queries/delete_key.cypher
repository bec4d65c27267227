// params: id
// Revoke an API key; returns how many were removed.
OPTIONAL MATCH (k:ApiKey {id: $id})
DETACH DELETE k
RETURN count(k) AS removed
