// params: none
// Every API key record, by id.
MATCH (k:ApiKey)
RETURN k.data AS data
ORDER BY k.id
