// params: projects
// Rebuild NEXT between consecutive stages (by order) of the given projects.
UNWIND $projects AS pid
MATCH (p:Project {id: pid})
CALL (p) { MATCH (p)-[:HAS_STAGE]->(:Stage)-[old:NEXT]-() DELETE old }
WITH p
MATCH (p)-[:HAS_STAGE]->(s:Stage)
WITH p, s ORDER BY s.order
WITH p, collect(s) AS stages
UNWIND range(0, size(stages) - 2) AS i
WITH stages[i] AS a, stages[i + 1] AS b
CREATE (a)-[:NEXT]->(b)
