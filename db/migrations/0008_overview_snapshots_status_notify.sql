CREATE TABLE "staff_overview_snapshots" (
	"name" text PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"figures" jsonb NOT NULL
);
--> statement-breakpoint
-- Every status change is announced on the payment_status channel by the database itself, in the
-- transaction that records it (delivered at commit): no code path can change a status silently,
-- and the hot path saves a round trip.
CREATE FUNCTION notify_payment_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('payment_status', json_build_object('id', NEW.payment_id, 'status', NEW.to_status)::text);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER payment_status_changes_notify AFTER INSERT ON payment_status_changes
  FOR EACH ROW EXECUTE FUNCTION notify_payment_status();
