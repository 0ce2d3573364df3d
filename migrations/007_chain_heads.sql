-- The heads of the two hash chains follow their last row: inserting a
-- posting or an audit row sets its chain's last_hash in the same statement,
-- instead of a second UPDATE (a round trip) from the application. The
-- sequence is still advanced, and the head row locked, by the appender's
-- UPDATE … RETURNING before it computes the hash.
-- @sqlite
CREATE TRIGGER postings_head AFTER INSERT ON postings
BEGIN UPDATE ledger_head SET last_hash = NEW.hash WHERE id = 1; END;
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log
BEGIN UPDATE audit_head SET last_hash = NEW.hash WHERE id = 1; END;

-- @postgres
CREATE FUNCTION ledger_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE ledger_head SET last_hash = NEW.hash WHERE id = 1; RETURN NULL; END $$;
CREATE TRIGGER postings_head AFTER INSERT ON postings
FOR EACH ROW EXECUTE FUNCTION ledger_head_follow();
CREATE FUNCTION audit_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE audit_head SET last_hash = NEW.hash WHERE id = 1; RETURN NULL; END $$;
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_head_follow();
