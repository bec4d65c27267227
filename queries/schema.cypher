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
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE;
CREATE INDEX audit_entity IF NOT EXISTS FOR (n:AuditEntry) ON (n.kind, n.entity);
CREATE INDEX audit_actor IF NOT EXISTS FOR (n:AuditEntry) ON (n.actor);
CREATE INDEX audit_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at);
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
