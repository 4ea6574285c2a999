CREATE TABLE "tenant_totals" (
	"tenant_id" integer PRIMARY KEY NOT NULL,
	"conversations" bigint DEFAULT 0 NOT NULL,
	"messages" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenant_totals" ADD CONSTRAINT "tenant_totals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- tenant_totals follows every insert and delete of conversations and messages (cascades included), once per
-- statement with its transition table, grouped by workspace in id order (rows are locked in one order). A delete
-- only updates: a workspace whose row the purge already removed gets none back.
CREATE FUNCTION "tenant_totals_follow"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF TG_TABLE_NAME = 'conversations' THEN
      INSERT INTO "tenant_totals" ("tenant_id", "conversations")
        SELECT "tenant_id", count(*) FROM "changed" GROUP BY "tenant_id" ORDER BY "tenant_id"
        ON CONFLICT ("tenant_id") DO UPDATE SET "conversations" = "tenant_totals"."conversations" + excluded."conversations";
    ELSE
      INSERT INTO "tenant_totals" ("tenant_id", "messages")
        SELECT "tenant_id", count(*) FROM "changed" GROUP BY "tenant_id" ORDER BY "tenant_id"
        ON CONFLICT ("tenant_id") DO UPDATE SET "messages" = "tenant_totals"."messages" + excluded."messages";
    END IF;
  ELSIF TG_TABLE_NAME = 'conversations' THEN
    UPDATE "tenant_totals" t SET "conversations" = t."conversations" - d.n
      FROM (SELECT "tenant_id", count(*) AS n FROM "changed" GROUP BY "tenant_id") d WHERE t."tenant_id" = d."tenant_id";
  ELSE
    UPDATE "tenant_totals" t SET "messages" = t."messages" - d.n
      FROM (SELECT "tenant_id", count(*) AS n FROM "changed" GROUP BY "tenant_id") d WHERE t."tenant_id" = d."tenant_id";
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "conversations_totals_insert" AFTER INSERT ON "conversations"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "tenant_totals_follow"();--> statement-breakpoint
CREATE TRIGGER "conversations_totals_delete" AFTER DELETE ON "conversations"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "tenant_totals_follow"();--> statement-breakpoint
CREATE TRIGGER "messages_totals_insert" AFTER INSERT ON "messages"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "tenant_totals_follow"();--> statement-breakpoint
CREATE TRIGGER "messages_totals_delete" AFTER DELETE ON "messages"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "tenant_totals_follow"();--> statement-breakpoint
-- After the triggers: from here their locks hold writes back until this migration commits, so the counts below
-- miss nothing written before and nothing after is counted twice.
INSERT INTO "tenant_totals" ("tenant_id", "conversations", "messages")
  SELECT t."id",
    (SELECT count(*) FROM "conversations" c WHERE c."tenant_id" = t."id"),
    (SELECT count(*) FROM "messages" m WHERE m."tenant_id" = t."id")
  FROM "tenants" t;
