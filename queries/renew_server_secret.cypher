// params: secret_name, value
// Replace the named secret of this database (everything signed with the old one stops working).
MERGE (s:GraphsvcSecret {name: $secret_name})
SET s.value = $value
RETURN s.value AS value
