CREATE TABLE "ai_providers" (
	"id" serial PRIMARY KEY NOT NULL,
	"tenant_id" integer NOT NULL,
	"type" text NOT NULL,
	"api_key" text NOT NULL,
	"model" text NOT NULL,
	"extras" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ai_providers" ADD CONSTRAINT "ai_providers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ai_providers_tenant_type_key" ON "ai_providers" USING btree ("tenant_id","type");--> statement-breakpoint
CREATE UNIQUE INDEX "ai_providers_tenant_default_key" ON "ai_providers" USING btree ("tenant_id") WHERE "ai_providers"."is_default";