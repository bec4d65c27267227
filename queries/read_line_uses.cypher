// params: none
// The kept line uses: per pair of contacts (a < b) and day, how many logged interactions
// used the line (those gone to zero left out). (One record per pair, the days collected,
// measured slower: 31-35 s against 21 s for 600k pair-days, BENCHMARKS.md.)
MATCH (a:Contact)-[u:USED_LINE]->(b:Contact)
WHERE u.uses > 0
RETURN a.id AS a, b.id AS b, u.day AS day, u.uses AS uses
