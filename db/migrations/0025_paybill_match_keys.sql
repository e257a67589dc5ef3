-- Paybill account matching (lib/paybill/match.ts, policy-lookup.ts): a policy number's key is its
-- letters and digits, upper case, with O read as 0 and I as 1. Indexed so a confirmation finds its
-- policy by key (exact, confusions, one-edit neighbours) or by the key's last 12 characters (the
-- STK AccountReference form holders copy) without scanning the book.
CREATE INDEX IF NOT EXISTS "policies_paybill_key_idx" ON "policies" (translate(upper(regexp_replace("number", '[^A-Za-z0-9]', '', 'g')), 'OI', '01'));
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "policies_paybill_key_tail_idx" ON "policies" (right(translate(upper(regexp_replace("number", '[^A-Za-z0-9]', '', 'g')), 'OI', '01'), 12));
