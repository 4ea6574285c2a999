CREATE TABLE "inbox_mail_state" (
	"inbox_id" integer PRIMARY KEY NOT NULL,
	"tenant_id" integer NOT NULL,
	"uid_validity" bigint,
	"last_uid" bigint DEFAULT 0 NOT NULL,
	"poll_locked_until" timestamp with time zone,
	"poll_token" uuid,
	"last_polled_at" timestamp with time zone,
	"last_error" text,
	"imported_count" integer DEFAULT 0 NOT NULL,
	"skipped_count" integer DEFAULT 0 NOT NULL,
	"failed_count" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" integer NOT NULL,
	"inbox_id" integer NOT NULL,
	"uid_validity" bigint NOT NULL,
	"uid" bigint NOT NULL,
	"message_id" text,
	"status" text NOT NULL,
	"reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"message_row_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inbox_mail_state" ADD CONSTRAINT "inbox_mail_state_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbox_mail_state" ADD CONSTRAINT "inbox_mail_state_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_imports" ADD CONSTRAINT "mail_imports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_imports" ADD CONSTRAINT "mail_imports_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_imports" ADD CONSTRAINT "mail_imports_message_row_id_messages_id_fk" FOREIGN KEY ("message_row_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mail_imports_uid_key" ON "mail_imports" USING btree ("inbox_id","uid_validity","uid");--> statement-breakpoint
CREATE UNIQUE INDEX "mail_imports_message_id_key" ON "mail_imports" USING btree ("inbox_id","message_id") WHERE "mail_imports"."status" = 'imported' AND "mail_imports"."message_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "mail_imports_lookup_idx" ON "mail_imports" USING btree ("inbox_id","message_id");--> statement-breakpoint
CREATE INDEX "mail_imports_failed_idx" ON "mail_imports" USING btree ("tenant_id","inbox_id") WHERE "mail_imports"."status" = 'failed';