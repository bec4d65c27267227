// params: none
// Remove every node and relationship but the write counter, in batches (run in an
// auto-commit transaction). The counter survives so that caches notice the change.
MATCH (n) WHERE NOT n:GraphsvcMeta
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 200 ROWS
