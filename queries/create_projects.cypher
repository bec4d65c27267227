// params: rows
// Create projects known to be new, with participating organisations as PARTICIPATES_IN.
UNWIND $rows AS row
CREATE (n:Project)
SET n = row.props
WITH n, row
UNWIND row.organizations AS part
MATCH (o:Organization {id: part.org})
CREATE (o)-[r:PARTICIPATES_IN]->(n)
SET r = part.props
