// params: none
// Record that this write (the current data version) removed kept line uses without a trace
// (see line_uses_version): copies older than it are read again in full.
MATCH (m:GraphsvcMeta {id: 'version'})
SET m.uses_reset = m.value
