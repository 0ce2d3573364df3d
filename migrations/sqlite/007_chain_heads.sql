-- The heads of the two hash chains follow their last row: inserting a
-- posting or an audit row sets its chain's last_hash in the same statement,
-- instead of a second UPDATE (a round trip) from the application. The
-- sequence is still advanced, and the head row locked, by the appender's
-- UPDATE … RETURNING before it computes the hash.
CREATE TRIGGER postings_head AFTER INSERT ON postings
BEGIN UPDATE ledger_head SET last_hash = NEW.hash WHERE id = 1; END;
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log
BEGIN UPDATE audit_head SET last_hash = NEW.hash WHERE id = 1; END;
