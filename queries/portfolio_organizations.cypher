// params: none
// Every organisation in one record, one list per row (fields in the order of
// graphsvc/store/neo4j_export.py): the portfolio scan's lean read, see that module.
MATCH (n:Organization)
RETURN collect([n.id, n.name, n.kind, n.notes, n.tags]) AS rows
