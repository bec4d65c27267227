// params: none
// The kept line uses: per pair of contacts (a < b), the days the line was used and how many
// logged interactions used it each day (one record per pair, not per day: fewer records to
// send and decode).
MATCH (a:Contact)-[u:USED_LINE]->(b:Contact)
RETURN a.id AS a, b.id AS b, collect(u.day) AS days, collect(u.uses) AS uses
