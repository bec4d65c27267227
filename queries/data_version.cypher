// params: none
// The write counter kept by bump_version (0 before any write).
OPTIONAL MATCH (m:GraphsvcMeta {id: 'version'})
RETURN coalesce(m.value, 0) AS version
