-- A closed reconciliation day is locked (issue 19): its statement lines and breaks can no longer be
-- added, changed or removed, and the day cannot be reopened. Later changes are recorded as
-- adjustments on the (open) day they are made. The data layer checks first and says so in words;
-- this trigger is the wall behind it.
CREATE OR REPLACE FUNCTION recon_refuse_closed_day() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM recon_days d WHERE d.day = OLD.day AND d.channel = OLD.channel AND d.status = 'closed') THEN
    RAISE EXCEPTION 'reconciliation day % (%) is closed', OLD.day, OLD.channel USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM recon_days d WHERE d.day = NEW.day AND d.channel = NEW.channel AND d.status = 'closed') THEN
    RAISE EXCEPTION 'reconciliation day % (%) is closed', NEW.day, NEW.channel USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER recon_lines_closed_day BEFORE INSERT OR UPDATE OR DELETE ON recon_lines
  FOR EACH ROW EXECUTE FUNCTION recon_refuse_closed_day();--> statement-breakpoint
CREATE TRIGGER recon_breaks_closed_day BEFORE INSERT OR UPDATE OR DELETE ON recon_breaks
  FOR EACH ROW EXECUTE FUNCTION recon_refuse_closed_day();--> statement-breakpoint
CREATE OR REPLACE FUNCTION recon_days_stay_closed() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'closed' THEN
    RAISE EXCEPTION 'reconciliation day % (%) is closed', OLD.day, OLD.channel USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER recon_days_locked BEFORE UPDATE OR DELETE ON recon_days
  FOR EACH ROW EXECUTE FUNCTION recon_days_stay_closed();
