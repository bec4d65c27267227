// params: rows
// Create organisations known to be new (an import checked they are not stored; the id
// constraint refuses a duplicate). Cheaper than upsert_organizations' MERGE.
UNWIND $rows AS row
CREATE (n:Organization)
SET n = row.props
