// params: none
// How many assignments and links exist (answered from the count store, no scan): when
// there are none, an import has nothing to retire.
RETURN COUNT { ()-[:ASSIGNED]->() } AS assignments,
       COUNT { ()-[:COMMUNICATES_WITH]->() } + COUNT { ()-[:REPORTS_TO]->() } + COUNT { ()-[:BACKUP_FOR]->() } AS links
