// params: ids
// Rows holding a reference to the given projects: their stages and the interactions about them.
UNWIND $ids AS id
MATCH (p:Project {id: id})
RETURN COLLECT { MATCH (p)-[:HAS_STAGE]->(s:Stage) RETURN s.id } AS stages,
       COLLECT { MATCH (i:Interaction)-[:ABOUT]->(p) RETURN i.id } AS interactions
