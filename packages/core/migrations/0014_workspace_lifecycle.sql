CREATE TABLE "tenant_usage" (
	"tenant_id" integer NOT NULL,
	"month" text NOT NULL,
	"metric" text NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "tenant_usage_tenant_id_month_metric_pk" PRIMARY KEY("tenant_id","month","metric")
);
--> statement-breakpoint
CREATE TABLE "platform_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"workspace_slug" text,
	"status" integer NOT NULL,
	"ip" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signups" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"workspace_name" text NOT NULL,
	"slug" text NOT NULL,
	"token_hash" text NOT NULL,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workspace_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" integer NOT NULL,
	"tenant_slug" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"requested_by" text NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"result" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
-- Domains that existed before verification was required already routed: they count as verified, with a spent token.
ALTER TABLE "tenant_domains" ADD COLUMN "verification_token" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_domains" ALTER COLUMN "verification_token" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "tenant_domains" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
UPDATE "tenant_domains" SET "verified_at" = now();--> statement-breakpoint
ALTER TABLE "tenant_domains" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "tenant_domains" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "plan" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "limits" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "suspended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "suspended_reason" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
-- `enabled` becomes the lifecycle's status: a disabled workspace was one that did not serve, kept whole.
UPDATE "tenants" SET "status" = 'suspended', "suspended_at" = now() WHERE NOT "enabled";--> statement-breakpoint
ALTER TABLE "tenants" DROP COLUMN "enabled";--> statement-breakpoint
ALTER TABLE "tenant_usage" ADD CONSTRAINT "tenant_usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "platform_audit_at_idx" ON "platform_audit" USING btree ("at");--> statement-breakpoint
CREATE INDEX "platform_audit_workspace_idx" ON "platform_audit" USING btree ("workspace_slug");--> statement-breakpoint
CREATE UNIQUE INDEX "signups_token_key" ON "signups" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "signups_email_idx" ON "signups" USING btree ("email");--> statement-breakpoint
CREATE INDEX "workspace_jobs_tenant_idx" ON "workspace_jobs" USING btree ("tenant_id","kind");--> statement-breakpoint
CREATE INDEX "workspace_jobs_status_idx" ON "workspace_jobs" USING btree ("status");