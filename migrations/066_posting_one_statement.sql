-- Issue 19: an income posting at the user's own hub on PostgreSQL in two
-- statements instead of five, besides the idempotency key's. Migration 061
-- left ledger_post_income_at with the idempotency key, one statement for
-- the accounts, then one each
-- for the posting chain's head, the posting, its lines, and the audit
-- chain's head with the audit row (a CTE). Each statement of a plpgsql
-- function pays its executor's start-up and end (about a sixth of the
-- server's time for a posting, perf); the posting chain's head, the
-- posting, its lines and the audit row are now one statement of
-- data-modifying CTEs. Arguments, results, hash inputs (byte for byte
-- those of 061: ledger.Posting.hash, audit's row hash), the order of the
-- rows' locks (accounts, the posting chain's head, the audit chain's head)
-- and the head-follow triggers' skip are unchanged. SQLite has no such
-- function: the posting there is the application's own statements.
-- @sqlite
SELECT 1;
-- @postgres
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
    -- the posting chain's head, the posting, its lines, the audit chain's
    -- head and the audit row: one statement. The main query reads h, so the
    -- posting chain's head is locked first; the audit head's UPDATE reads
    -- h's row (the posting's id), so it is locked after, the order of every
    -- posting (the long way: ledger.postLocked, then audit.Record). The
    -- lines come in the order of their numbers (cash, then funds), which
    -- the identity ids keep. The foreign keys' checks run at the
    -- statement's end, when the posting is there.
    WITH h AS (
        UPDATE ledger_head SET seq = seq + 1, moved_from = last_hash,
            last_hash = encode(sha256(convert_to(octet_length(last_hash) || ':' || last_hash || E'\n'
                || octet_length((seq + 1)::text) || ':' || (seq + 1) || E'\n', 'UTF8') || p_hash_fields
                || convert_to(o_cash || '=' || p_amount || E'\n' || o_funds || '=' || -p_amount || E'\n', 'UTF8')), 'hex')
        WHERE id = 1 RETURNING seq, moved_from, last_hash
    ), p AS (
        INSERT INTO postings (id, hub_org_id, org_id, kind, source, voucher, memo, payee, occurred_on,
            created_at, created_by, username, prev_hash, hash)
        SELECT seq, p_hub, p_org, p_kind, p_source, p_voucher, p_memo, '', p_occurred,
            p_now, NULLIF(p_created_by, 0), p_username, moved_from, last_hash FROM h
        RETURNING id
    ), l AS (
        INSERT INTO posting_lines (posting_id, account_id, amount_fen)
        SELECT p.id, v.account_id, v.amount_fen
        FROM p CROSS JOIN (VALUES (1, o_cash, p_amount), (2, o_funds, -p_amount)) AS v (n, account_id, amount_fen)
        ORDER BY v.n
    ), a AS (
        UPDATE audit_head SET seq = audit_head.seq + 1, moved_from = audit_head.last_hash,
            last_hash = encode(sha256(convert_to(octet_length(audit_head.last_hash) || ':' || audit_head.last_hash || E'\n'
                || octet_length((audit_head.seq + 1)::text) || ':' || (audit_head.seq + 1) || E'\n', 'UTF8') || p_audit_mid
                || convert_to(octet_length(h.seq::text) || ':' || h.seq || E'\n'
                || octet_length(v_scope) || ':' || v_scope || E'\n' || octet_length(p_detail) || ':' || p_detail || E'\n', 'UTF8')), 'hex')
        FROM h WHERE audit_head.id = 1
        RETURNING audit_head.seq, audit_head.moved_from, audit_head.last_hash, h.seq AS posting_id
    ), r AS (
        INSERT INTO audit_log (seq, at, user_id, username, ip, action, object_type, object_id, scope_code, detail, prev_hash, hash)
        SELECT seq, p_now, NULLIF(p_actor_id, 0), p_actor_name, p_ip, p_action, p_object_type, posting_id::text, v_scope, p_detail,
            moved_from, last_hash FROM a
    )
    SELECT seq, moved_from, last_hash INTO o_id, o_prev, o_hash FROM h;
    PERFORM set_config('linli.heads', '', true);
    IF p_key <> '' THEN
        UPDATE idempotency_keys SET status_code = p_key_status, response = format(p_answer, o_id, o_cash, o_funds, o_hash)
        WHERE user_id = p_key_user AND idem_key = p_key;
    END IF;
    o_outcome := 'posted';
END $$;
