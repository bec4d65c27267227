// params: none
// Every organizations row as a bundle row.
MATCH (n:Organization)
RETURN n {.*} AS row
