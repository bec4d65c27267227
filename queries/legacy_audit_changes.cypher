// params: limit
// Some change ids still stored as AuditEntry nodes.
MATCH (e:AuditEntry)
WITH DISTINCT e.change AS change
RETURN change
LIMIT $limit
