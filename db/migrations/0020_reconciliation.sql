ALTER TYPE "public"."ledger_account" ADD VALUE 'fees';--> statement-breakpoint
ALTER TYPE "public"."ledger_kind" ADD VALUE 'fee';--> statement-breakpoint
CREATE TABLE "sandbox_recon_injections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"day" text NOT NULL,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"amount_minor" bigint DEFAULT 0 NOT NULL,
	"account" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recon_breaks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedupe_key" text NOT NULL,
	"channel" text NOT NULL,
	"day" date NOT NULL,
	"adjustment_of" date,
	"kind" text NOT NULL,
	"statement_minor" bigint DEFAULT 0 NOT NULL,
	"credited_minor" bigint DEFAULT 0 NOT NULL,
	"line_id" uuid,
	"payment_id" uuid,
	"summary" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"resolution_note" text,
	"resolution_reference" text,
	"movement_id" uuid,
	"write_off_requested_by" uuid,
	"write_off_reason" text,
	"write_off_first_approved_by" uuid,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recon_breaks_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "recon_days" (
	"day" date NOT NULL,
	"channel" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"figures" jsonb,
	"closed_by" uuid,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recon_days_day_channel_pk" PRIMARY KEY("day","channel")
);
--> statement-breakpoint
CREATE TABLE "recon_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"source" text NOT NULL,
	"file_name" text,
	"sha256" text NOT NULL,
	"line_count" bigint DEFAULT 0 NOT NULL,
	"new_lines" bigint DEFAULT 0 NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recon_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"import_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"source" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"day" date NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"adjustment_of" date,
	"reference" text NOT NULL,
	"kind" text NOT NULL,
	"gross_minor" bigint DEFAULT 0 NOT NULL,
	"fee_minor" bigint DEFAULT 0 NOT NULL,
	"balance_minor" bigint,
	"details" text DEFAULT '' NOT NULL,
	"status" text DEFAULT '' NOT NULL,
	"other_party" text,
	"account" text,
	"raw" text NOT NULL,
	"result" text,
	"payment_id" uuid,
	"movement_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "recon_breaks" ADD CONSTRAINT "recon_breaks_line_id_recon_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."recon_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_breaks" ADD CONSTRAINT "recon_breaks_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_breaks" ADD CONSTRAINT "recon_breaks_movement_id_money_movements_id_fk" FOREIGN KEY ("movement_id") REFERENCES "public"."money_movements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_breaks" ADD CONSTRAINT "recon_breaks_write_off_requested_by_users_id_fk" FOREIGN KEY ("write_off_requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_breaks" ADD CONSTRAINT "recon_breaks_write_off_first_approved_by_users_id_fk" FOREIGN KEY ("write_off_first_approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_breaks" ADD CONSTRAINT "recon_breaks_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_days" ADD CONSTRAINT "recon_days_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_imports" ADD CONSTRAINT "recon_imports_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_lines" ADD CONSTRAINT "recon_lines_import_id_recon_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."recon_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_lines" ADD CONSTRAINT "recon_lines_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recon_lines" ADD CONSTRAINT "recon_lines_movement_id_money_movements_id_fk" FOREIGN KEY ("movement_id") REFERENCES "public"."money_movements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recon_breaks_day_idx" ON "recon_breaks" USING btree ("channel","day");--> statement-breakpoint
CREATE INDEX "recon_breaks_open_idx" ON "recon_breaks" USING btree ("created_at") WHERE "recon_breaks"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "recon_imports_created_idx" ON "recon_imports" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "recon_imports_once" ON "recon_imports" USING btree ("channel","sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "recon_lines_dedupe" ON "recon_lines" USING btree ("channel","dedupe_key");--> statement-breakpoint
CREATE INDEX "recon_lines_day_idx" ON "recon_lines" USING btree ("channel","day");--> statement-breakpoint
CREATE INDEX "recon_lines_reference_idx" ON "recon_lines" USING btree ("reference");