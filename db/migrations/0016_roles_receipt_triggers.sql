-- Hand-written (issue 11). The old 'staff' role becomes 'finance' (they approved refunds before),
-- then the role list is enforced by the database.
UPDATE "users" SET "role" = 'finance' WHERE "role" = 'staff';
--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_known" CHECK ("role" IN ('policyholder', 'admin', 'finance', 'support'));
--> statement-breakpoint
-- n characters of Crockford base32 from the server's CSPRNG (gen_random_uuid: bytes 0-5 of a v4
-- UUID are fully random; 256 is a multiple of 32, so every character is equally likely).
CREATE OR REPLACE FUNCTION malipo_random_tag(n integer) RETURNS text AS $$
DECLARE
  alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  b bytea;
  out text := '';
BEGIN
  FOR i IN 0..n - 1 LOOP
    IF i % 6 = 0 THEN b := uuid_send(gen_random_uuid()); END IF;
    out := out || substr(alphabet, (get_byte(b, i % 6) % 32) + 1, 1);
  END LOOP;
  RETURN out;
END;
$$ LANGUAGE plpgsql VOLATILE;
--> statement-breakpoint
-- A receipt number is assigned by the database the moment a payment first becomes completed,
-- whichever code path completed it, and never changes afterwards. Same shape as the numbers
-- issued before (reference + 6-character tag), but the tag is random, not derived from a secret.
CREATE OR REPLACE FUNCTION payments_assign_receipt_no() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.receipt_no IS NOT NULL THEN
    NEW.receipt_no := OLD.receipt_no;
  ELSIF NEW.status = 'completed' AND NEW.receipt_no IS NULL
        AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status) THEN
    NEW.receipt_no := NEW.reference || '-' || malipo_random_tag(6);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER payments_receipt_no
  BEFORE INSERT OR UPDATE ON payments
  FOR EACH ROW EXECUTE FUNCTION payments_assign_receipt_no();
--> statement-breakpoint
-- A refund note is numbered when the money has gone back (processed), once.
CREATE OR REPLACE FUNCTION refunds_assign_note_no() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.note_no IS NOT NULL THEN
    NEW.note_no := OLD.note_no;
  ELSIF NEW.status = 'processed' AND NEW.note_no IS NULL THEN
    NEW.note_no := 'RF-' || malipo_random_tag(10);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER refunds_note_no
  BEFORE INSERT OR UPDATE ON refunds
  FOR EACH ROW EXECUTE FUNCTION refunds_assign_note_no();
--> statement-breakpoint
-- Refunds already processed get their note number now (they have no legacy number to keep).
UPDATE "refunds" SET "note_no" = 'RF-' || malipo_random_tag(10) WHERE "status" = 'processed' AND "note_no" IS NULL;
