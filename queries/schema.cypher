// params: none
// Uniqueness constraints (which also index the ids) and lookup indexes; idempotent.
// Statements are separated by lines ending in ';' and run one at a time.
CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contact_id IF NOT EXISTS FOR (n:Contact) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contact_period_id IF NOT EXISTS FOR (n:ContactPeriod) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT stage_id IF NOT EXISTS FOR (n:Stage) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT responsibility_id IF NOT EXISTS FOR (n:Responsibility) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT assigned_id IF NOT EXISTS FOR ()-[r:ASSIGNED]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT communicates_id IF NOT EXISTS FOR ()-[r:COMMUNICATES_WITH]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT reports_to_id IF NOT EXISTS FOR ()-[r:REPORTS_TO]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT backup_for_id IF NOT EXISTS FOR ()-[r:BACKUP_FOR]-() REQUIRE r.id IS UNIQUE;
CREATE INDEX contact_name IF NOT EXISTS FOR (n:Contact) ON (n.name);
CREATE INDEX contact_status IF NOT EXISTS FOR (n:Contact) ON (n.status);
CREATE INDEX organization_name IF NOT EXISTS FOR (n:Organization) ON (n.name);
CREATE INDEX used_line_version IF NOT EXISTS FOR ()-[u:USED_LINE]-() ON (u.v);
CREATE INDEX audit_batch_kind IF NOT EXISTS FOR (n:AuditBatch) ON (n.kind);
CREATE INDEX audit_batch_actor IF NOT EXISTS FOR (n:AuditBatch) ON (n.actor);
CREATE INDEX audit_batch_at IF NOT EXISTS FOR (n:AuditBatch) ON (n.at);
CREATE INDEX audit_batch_change IF NOT EXISTS FOR (n:AuditBatch) ON (n.change);
CREATE FULLTEXT INDEX audit_batch_entities IF NOT EXISTS FOR (n:AuditBatch) ON EACH [n.tokens] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}};
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT graphsvc_secret_name IF NOT EXISTS FOR (n:GraphsvcSecret) REQUIRE n.name IS UNIQUE;
CALL db.awaitIndexes(300);
