CREATE TABLE "paybill_receipts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trans_id" text NOT NULL,
	"trans_time" timestamp with time zone NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text DEFAULT 'KES' NOT NULL,
	"short_code" text NOT NULL,
	"bill_ref" text NOT NULL,
	"payer_name" text NOT NULL,
	"msisdn" text,
	"source" text NOT NULL,
	"gateway_event_id" bigint,
	"status" text NOT NULL,
	"payment_id" uuid,
	"matched_by" text,
	"reason" text,
	"candidates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"allocation_policy_id" uuid,
	"allocation_note" text,
	"raised_by" uuid,
	"raised_at" timestamp with time zone,
	"first_approved_by" uuid,
	"first_approved_at" timestamp with time zone,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "paybill_receipts_trans_id_unique" UNIQUE("trans_id")
);
--> statement-breakpoint
CREATE TABLE "sandbox_c2b_registrations" (
	"short_code" text PRIMARY KEY NOT NULL,
	"response_type" text NOT NULL,
	"confirmation_url" text NOT NULL,
	"validation_url" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "payments_one_pending_mpesa_per_policy";--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "channel" text DEFAULT 'app' NOT NULL;--> statement-breakpoint
ALTER TABLE "paybill_receipts" ADD CONSTRAINT "paybill_receipts_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paybill_receipts" ADD CONSTRAINT "paybill_receipts_allocation_policy_id_policies_id_fk" FOREIGN KEY ("allocation_policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paybill_receipts" ADD CONSTRAINT "paybill_receipts_raised_by_users_id_fk" FOREIGN KEY ("raised_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paybill_receipts" ADD CONSTRAINT "paybill_receipts_first_approved_by_users_id_fk" FOREIGN KEY ("first_approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paybill_receipts" ADD CONSTRAINT "paybill_receipts_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "paybill_receipts_open_idx" ON "paybill_receipts" USING btree ("created_at" DESC NULLS LAST) WHERE "paybill_receipts"."status" in ('unallocated', 'review', 'allocation_requested');--> statement-breakpoint
CREATE INDEX "paybill_receipts_payment_idx" ON "paybill_receipts" USING btree ("payment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_one_pending_mpesa_per_policy" ON "payments" USING btree ("policy_id") WHERE "payments"."status" = 'pending' and "payments"."method" = 'mpesa' and "payments"."channel" = 'app';