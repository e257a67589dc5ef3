-- Hand-written (drizzle-kit cannot express these).
-- At most one import confirmed and not yet finished: two imports writing the same policies at once
-- would race on the schedule. The confirm action relies on this index to refuse a second one.
CREATE UNIQUE INDEX "book_imports_one_active" ON "book_imports" ((true)) WHERE "status" IN ('queued', 'running');
--> statement-breakpoint
-- Back-fill: every product name already on a policy becomes a product (general: no grace period,
-- the strict default; staff can change it), and the policies point at it.
INSERT INTO "products" ("name", "class") SELECT DISTINCT "product", 'general'::"product_class" FROM "policies" ON CONFLICT ("name") DO NOTHING;
--> statement-breakpoint
UPDATE "policies" p SET "product_id" = pr."id" FROM "products" pr WHERE pr."name" = p."product" AND p."product_id" IS NULL;
