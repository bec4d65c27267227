// params: rows
// Append audit batches (see graphsvc/store/neo4j_audit.py). Batches are never updated or removed here.
UNWIND $rows AS row
CREATE (b:AuditBatch)
SET b = row
