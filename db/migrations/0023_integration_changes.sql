-- Change feed for the integration API (lib/integration/changes.ts): every insert or update of a
-- payment or refund appends a row in the same transaction, unnumbered. The stamper numbers
-- committed rows from this sequence under an advisory lock, so numbers follow commit order.
CREATE SEQUENCE IF NOT EXISTS "changes_seq";--> statement-breakpoint
CREATE OR REPLACE FUNCTION record_change() RETURNS trigger AS $$
BEGIN
  INSERT INTO changes (entity, entity_id) VALUES (TG_ARGV[0], NEW.id);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER payments_record_change AFTER INSERT OR UPDATE ON payments
  FOR EACH ROW EXECUTE FUNCTION record_change('payment');--> statement-breakpoint
CREATE TRIGGER refunds_record_change AFTER INSERT OR UPDATE ON refunds
  FOR EACH ROW EXECUTE FUNCTION record_change('refund');
