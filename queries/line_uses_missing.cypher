// params: none
// Whether interactions are stored but no line uses are kept: a database written before
// they were kept (answered from the count store, no scan).
RETURN COUNT { (:Interaction) } > 0 AND COUNT { ()-[:USED_LINE]->() } = 0 AS missing
