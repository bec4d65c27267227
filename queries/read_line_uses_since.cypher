// params: since
// The kept line uses moved by writes after data version $since (uses 0: gone), through the
// index on USED_LINE.v: what a process holding a copy as of $since must change in it.
MATCH (a:Contact)-[u:USED_LINE]->(b:Contact)
WHERE u.v > $since
RETURN a.id AS a, b.id AS b, u.day AS day, u.uses AS uses
