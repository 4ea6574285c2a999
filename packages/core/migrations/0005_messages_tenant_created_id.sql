DROP INDEX "messages_tenant_created_idx";--> statement-breakpoint
CREATE INDEX "messages_tenant_created_idx" ON "messages" USING btree ("tenant_id","created_at","id");