// params: secret_name, value
// The named secret of this database, stored as $value if it has none yet (one node per name:
// the constraint graphsvc_secret_name keeps two processes from making two).
MERGE (s:GraphsvcSecret {name: $secret_name})
ON CREATE SET s.value = $value
RETURN s.value AS value
