// params: rows
// Create contacts known to be new, with their current employer as WORKS_FOR (see
// create_organizations for why; upsert_contacts replaces stored ones).
UNWIND $rows AS row
CREATE (n:Contact)
SET n = row.props
WITH n, row WHERE row.org IS NOT NULL
MATCH (o:Organization {id: row.org})
CREATE (n)-[:WORKS_FOR]->(o)
