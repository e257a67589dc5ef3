CREATE INDEX "payments_completed_at_idx" ON "payments" USING btree ("completed_at") WHERE "payments"."status" = 'completed';--> statement-breakpoint
CREATE INDEX "payments_reference_prefix_idx" ON "payments" USING btree ("reference" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "payments_receipt_prefix_idx" ON "payments" USING btree ("mpesa_receipt" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "payments_paystack_ref_prefix_idx" ON "payments" USING btree ("paystack_reference" text_pattern_ops);