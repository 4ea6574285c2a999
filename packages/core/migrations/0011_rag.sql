CREATE TABLE "rag_documents" (
	"id" serial PRIMARY KEY NOT NULL,
	"tenant_id" integer NOT NULL,
	"source_id" integer NOT NULL,
	"document_key" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"url" text,
	"content" text NOT NULL,
	"content_hash" text NOT NULL,
	"chunk_index" integer NOT NULL,
	"embedding" vector(1536) NOT NULL,
	"embedding_model" text NOT NULL,
	"kind" text DEFAULT 'context' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rag_sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"tenant_id" integer NOT NULL,
	"name" text NOT NULL,
	"source_type" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"document_count" integer DEFAULT 0 NOT NULL,
	"last_synced_at" timestamp with time zone,
	"sync_state" text DEFAULT 'idle' NOT NULL,
	"sync_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rag_documents" ADD CONSTRAINT "rag_documents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rag_documents" ADD CONSTRAINT "rag_documents_source_id_rag_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."rag_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rag_sources" ADD CONSTRAINT "rag_sources_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rag_documents_tenant_source_idx" ON "rag_documents" USING btree ("tenant_id","source_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rag_documents_source_key_hash_idx" ON "rag_documents" USING btree ("source_id","document_key","content_hash");--> statement-breakpoint
CREATE INDEX "rag_documents_embedding_idx" ON "rag_documents" USING hnsw ("embedding" vector_cosine_ops);--> statement-breakpoint
CREATE INDEX "rag_sources_tenant_idx" ON "rag_sources" USING btree ("tenant_id");