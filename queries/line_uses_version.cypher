// params: none
// The data version, and the last write that removed kept line uses without leaving a
// trace a later reader can see (contacts deleted with their lines, a rebuild, a clear): a
// copy of the uses older than that must be read again in full.
OPTIONAL MATCH (m:GraphsvcMeta {id: 'version'})
RETURN coalesce(m.value, 0) AS version, coalesce(m.uses_reset, 0) AS reset
