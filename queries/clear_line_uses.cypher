// params: none
// Remove every kept line use (before counting them again from the interactions).
MATCH ()-[u:USED_LINE]->()
DELETE u
