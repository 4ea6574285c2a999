ALTER TABLE "statuses" ADD COLUMN "sort_order" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "statuses" ADD COLUMN "show_on_send" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "status_changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Snoozed needs a duration and Spam/Trashed are buckets, not outcomes of a reply: off the "send and set status" menu.
UPDATE "statuses" SET "show_on_send" = false WHERE "system_key" IN ('Snoozed', 'Spam', 'Trashed');--> statement-breakpoint
-- status_changed_at is the database's to keep: every change of status_id stamps it, whichever code path made it.
-- Existing rows start at the migration time (the ADD COLUMN default), so a retention set later never deletes
-- something that was trashed before it could be measured.
CREATE FUNCTION "conversations_stamp_status_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status_id" IS DISTINCT FROM OLD."status_id" THEN
    NEW."status_changed_at" := now();
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "conversations_status_changed_at" BEFORE UPDATE OF "status_id" ON "conversations"
  FOR EACH ROW EXECUTE FUNCTION "conversations_stamp_status_change"();--> statement-breakpoint
-- The new contacts:delete permission: the Admin role has every permission.
UPDATE "roles" SET "permissions" = array_append("permissions", 'contacts:delete')
  WHERE "system" AND "name" = 'Admin' AND NOT ('contacts:delete' = ANY("permissions"));
