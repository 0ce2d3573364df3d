-- Issue 19: an income posting at the user's own hub on PostgreSQL, in fewer
-- statements. ledger_post_income_at (migration 051) looked the accounts up,
-- then called ledger_post_income (migration 040), which locked them, moved
-- them, and advanced each hash chain's head twice: its own UPDATE took the
-- next number, and the insert's trigger (postings_head, audit_log_head: a
-- plpgsql call, and for the audit row a transition table) wrote the new
-- hash. Measured statement by statement (clock_timestamp() between the
-- function's statements, perf of the server process), the function's time
-- was its statements' start-up, the head triggers and the foreign keys'
-- checks, spread over ten statements and two trigger calls for a handful of
-- rows.
-- @both
-- Each chain's head now moves in one UPDATE that takes the next number
-- and writes the new hash, computed in the statement from the head's own
-- row (the SET clause reads the row as it was, after the row lock, so two
-- postings never take the same number or the same previous hash). The
-- previous hash, which the posting and the audit row store, is kept in
-- moved_from, so that the same statement's RETURNING can give it back
-- (RETURNING sees only the new row). Only the statement that writes
-- moved_from reads it: other writers (the application's postings and audit
-- rows, with the triggers) leave it as it was. SQLite has the column too,
-- so that both engines keep one schema, and never writes it: there the
-- posting is the application's own statements (ledger.postIncome), and
-- nothing else of this migration applies.
ALTER TABLE ledger_head ADD COLUMN moved_from TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_head ADD COLUMN moved_from TEXT NOT NULL DEFAULT '';

-- @postgres
-- The head-follow triggers stay for every other writer. The function sets
-- linli.heads to 'moved' (for the transaction only) around its two
-- inserts, which have already moved their heads, and back to '' at once,
-- so the triggers skip exactly those two rows; a WHEN condition is checked
-- without calling plpgsql. The trigger functions are unchanged.
DROP TRIGGER postings_head ON postings;
CREATE TRIGGER postings_head AFTER INSERT ON postings FOR EACH ROW
    WHEN (current_setting('linli.heads', true) IS DISTINCT FROM 'moved')
    EXECUTE FUNCTION ledger_head_follow();
DROP TRIGGER audit_log_head ON audit_log;
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log REFERENCING NEW TABLE AS new_audit FOR EACH STATEMENT
    WHEN (current_setting('linli.heads', true) IS DISTINCT FROM 'moved')
    EXECUTE FUNCTION audit_head_follow_rows();

-- ledger_post_income_at does all of it itself (same arguments, same
-- results; the application's call is unchanged), and ledger_post_income,
-- which only it called, goes. In order:
-- - the idempotency key first, as before (two calls with one key wait for
--   each other there, before either locks an account);
-- - one statement finds the hub's cash account and the organization's
--   funds account at that hub by their key, locks them in id order (as
--   every posting does), checks them (open, not below zero) and moves
--   them, and reads the organization's place for the audit row; anything
--   missing or refused raises LL001 as before, which rolls everything back
--   (the key included) and sends the posting the long way;
-- - the posting chain's head (one UPDATE), the posting, its two lines;
-- - the audit chain's head and the audit row (one statement);
-- - the stored answer, the format() template filled in one call.
-- The hash inputs are byte for byte those of migrations 040 and 051
-- (ledger.Posting.hash, audit's row hash), which Verify checks.
DROP FUNCTION ledger_post_income(BIGINT, TEXT, TEXT, INTEGER, TIMESTAMPTZ, TIMESTAMPTZ, BIGINT, BIGINT, BIGINT, BIGINT,
    BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, BIGINT, TEXT, BYTEA, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, BYTEA, BYTEA,
    TEXT, TEXT, TEXT);
CREATE OR REPLACE FUNCTION ledger_post_income_at(
    p_key_user BIGINT, p_key TEXT, p_key_hash TEXT, p_key_status INTEGER, p_key_expired TIMESTAMPTZ,
    p_now TIMESTAMPTZ, p_hub BIGINT, p_org BIGINT, p_amount BIGINT,
    p_kind TEXT, p_source TEXT, p_voucher TEXT, p_memo TEXT, p_occurred TEXT,
    p_created_by BIGINT, p_username TEXT, p_hash_fields BYTEA,
    p_actor_id BIGINT, p_actor_name TEXT, p_ip TEXT, p_action TEXT, p_object_type TEXT,
    p_detail TEXT, p_audit_mid BYTEA, p_answer TEXT,
    OUT o_outcome TEXT, OUT o_id BIGINT, OUT o_prev TEXT, OUT o_hash TEXT, OUT o_cash BIGINT, OUT o_funds BIGINT,
    OUT o_status INTEGER, OUT o_body TEXT)
LANGUAGE plpgsql AS $$
DECLARE
    n INTEGER;
    k_hash TEXT;
    v_scope TEXT;
    a_seq BIGINT;
BEGIN
    o_id := 0; o_prev := ''; o_hash := ''; o_cash := 0; o_funds := 0; o_status := 0; o_body := '';
    IF p_org = p_hub THEN
        RAISE EXCEPTION 'ledger: the posting goes the long way' USING ERRCODE = 'LL001';
    END IF;
    IF p_key <> '' THEN
        DELETE FROM idempotency_keys WHERE user_id = p_key_user AND idem_key = p_key AND created_at < p_key_expired;
        INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at)
        VALUES (p_key_user, p_key, p_key_hash, p_now) ON CONFLICT (user_id, idem_key) DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
            SELECT request_hash, status_code, response INTO k_hash, o_status, o_body
            FROM idempotency_keys WHERE user_id = p_key_user AND idem_key = p_key;
            o_outcome := CASE WHEN k_hash = p_key_hash THEN 'replay' ELSE 'mismatch' END;
            RETURN;
        END IF;
    END IF;
    WITH l AS (
        SELECT id FROM ledger_accounts
        WHERE hub_org_id = p_hub AND org_id IN (p_hub, p_org) AND kind IN ('cash', 'funds') AND source = ''
          AND ((org_id = p_hub AND kind = 'cash') OR (org_id = p_org AND kind = 'funds'))
        ORDER BY id FOR UPDATE
    ), u AS (
        UPDATE ledger_accounts a SET balance_fen = a.balance_fen + CASE WHEN a.kind = 'cash' THEN p_amount ELSE -p_amount END
        FROM l WHERE a.id = l.id AND a.status = 'open'
          AND ((a.kind = 'cash' AND a.balance_fen + p_amount >= 0) OR (a.kind = 'funds' AND a.balance_fen - p_amount <= 0))
        RETURNING a.id, a.kind
    )
    SELECT COALESCE(max(id) FILTER (WHERE kind = 'cash'), 0), COALESCE(max(id) FILTER (WHERE kind = 'funds'), 0), count(*),
        (SELECT community_code FROM orgs WHERE id = p_org)
    INTO o_cash, o_funds, n, v_scope FROM u;
    IF n <> 2 OR o_cash = 0 OR o_funds = 0 OR v_scope IS NULL THEN
        RAISE EXCEPTION 'ledger: the posting goes the long way' USING ERRCODE = 'LL001';
    END IF;
    PERFORM set_config('linli.heads', 'moved', true);
    UPDATE ledger_head SET seq = seq + 1, moved_from = last_hash,
        last_hash = encode(sha256(convert_to(octet_length(last_hash) || ':' || last_hash || E'\n'
            || octet_length((seq + 1)::text) || ':' || (seq + 1) || E'\n', 'UTF8') || p_hash_fields
            || convert_to(o_cash || '=' || p_amount || E'\n' || o_funds || '=' || -p_amount || E'\n', 'UTF8')), 'hex')
    WHERE id = 1 RETURNING seq, moved_from, last_hash INTO o_id, o_prev, o_hash;
    INSERT INTO postings (id, hub_org_id, org_id, kind, source, voucher, memo, payee, occurred_on,
        created_at, created_by, username, prev_hash, hash)
    VALUES (o_id, p_hub, p_org, p_kind, p_source, p_voucher, p_memo, '', p_occurred,
        p_now, NULLIF(p_created_by, 0), p_username, o_prev, o_hash);
    INSERT INTO posting_lines (posting_id, account_id, amount_fen) VALUES (o_id, o_cash, p_amount), (o_id, o_funds, -p_amount);
    WITH h AS (
        UPDATE audit_head SET seq = seq + 1, moved_from = last_hash,
            last_hash = encode(sha256(convert_to(octet_length(last_hash) || ':' || last_hash || E'\n'
                || octet_length((seq + 1)::text) || ':' || (seq + 1) || E'\n', 'UTF8') || p_audit_mid
                || convert_to(octet_length(o_id::text) || ':' || o_id || E'\n'
                || octet_length(v_scope) || ':' || v_scope || E'\n' || octet_length(p_detail) || ':' || p_detail || E'\n', 'UTF8')), 'hex')
        WHERE id = 1 RETURNING seq, moved_from, last_hash
    )
    INSERT INTO audit_log (seq, at, user_id, username, ip, action, object_type, object_id, scope_code, detail, prev_hash, hash)
    SELECT seq, p_now, NULLIF(p_actor_id, 0), p_actor_name, p_ip, p_action, p_object_type, o_id::text, v_scope, p_detail,
        moved_from, last_hash FROM h;
    PERFORM set_config('linli.heads', '', true);
    IF p_key <> '' THEN
        UPDATE idempotency_keys SET status_code = p_key_status, response = format(p_answer, o_id, o_cash, o_funds, o_hash)
        WHERE user_id = p_key_user AND idem_key = p_key;
    END IF;
    o_outcome := 'posted';
END $$;
