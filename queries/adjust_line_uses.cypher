// params: rows, version
// Move the kept line uses (rows of a, b, day, delta with a < b): one USED_LINE from a to b
// per day the pair was in touch, holding how many logged interactions used the line that
// day and `v`, the data version of the write that last moved it (so that another process
// reads only what changed since its copy: read_line_uses_since). One that reaches zero
// stays, with uses 0, for that reader to see it go; full reads leave it out. Rows whose
// contact is gone are skipped (its lines went with it).
UNWIND $rows AS row
MATCH (a:Contact {id: row.a})
MATCH (b:Contact {id: row.b})
MERGE (a)-[u:USED_LINE {day: row.day}]->(b)
ON CREATE SET u.uses = 0
SET u.uses = u.uses + row.delta, u.v = $version
