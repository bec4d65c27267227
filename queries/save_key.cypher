// params: id, data
// Store an API key record (JSON text holding only a hash of the secret), by id.
MERGE (k:ApiKey {id: $id})
SET k.data = $data
