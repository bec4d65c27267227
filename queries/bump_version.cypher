// params: none
// Count writes, so that processes caching derived graphs know when to rebuild them; the
// new count is the version this write makes.
MERGE (m:GraphsvcMeta {id: 'version'})
SET m.value = coalesce(m.value, 0) + 1
RETURN m.value AS version
