// params: rows
// Create earlier states of contacts known to be new (HAS_PERIOD from the contact,
// PERIOD_AT the employer then).
UNWIND $rows AS row
CREATE (n:ContactPeriod)
SET n = row.props
WITH n, row
MATCH (c:Contact {id: row.contact})
CREATE (c)-[:HAS_PERIOD]->(n)
WITH n, row WHERE row.org IS NOT NULL
MATCH (o:Organization {id: row.org})
CREATE (n)-[:PERIOD_AT]->(o)
