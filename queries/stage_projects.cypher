// params: ids
// Projects that currently hold the given stages (their NEXT chain changes if a stage moves).
UNWIND $ids AS id
MATCH (p:Project)-[:HAS_STAGE]->(:Stage {id: id})
RETURN DISTINCT p.id AS project
