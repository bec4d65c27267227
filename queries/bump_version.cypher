// params: none
// Count writes, so that processes caching derived graphs know when to rebuild them.
MERGE (m:GraphsvcMeta {id: 'version'})
SET m.value = coalesce(m.value, 0) + 1
