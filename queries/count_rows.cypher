// params: none
// How many rows of each bundle kind are stored.
RETURN COUNT { (:Organization) } AS organizations,
       COUNT { (:Contact) } AS contacts,
       COUNT { (:ContactPeriod) } AS contact_history,
       COUNT { (:Project) } AS projects,
       COUNT { (:Stage) } AS stages,
       COUNT { (:Responsibility) } AS responsibilities,
       COUNT { ()-[:ASSIGNED]->() } AS assignments,
       COUNT { ()-[:COMMUNICATES_WITH|REPORTS_TO|BACKUP_FOR]->() } AS links,
       COUNT { (:Interaction) } AS interactions
