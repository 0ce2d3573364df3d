-- An income posting in one round trip, the custody read included (issue
-- 19). ledger_post_income (migration 040) took the accounts a read had
-- found before it (the organization and its custody: two more round trips);
-- this one finds them itself. Hub staff record income only at their own hub
-- (ledger.canRecord), so the application names that hub and the
-- organization; the function finds the hub's cash account and the
-- organization's funds account there, locks them in id order, moves them,
-- reads the organization's place for the audit row (the registry's
-- orgs.community_code, what registry.OrgLines reads on SQLite), advances both
-- chains, writes the posting, its lines, the audit row and the stored answer.
-- Anything else (no such account, closed, would go below zero, the hub's own
-- money, no such organization) raises LL001: everything is rolled back, the
-- key included, and the posting goes the long way, where the application's
-- own rules answer. The parts only the database knows are filled into what
-- the application computed: the posting's hash input takes its lines
-- (account=amount, as Posting.hashLines writes them) after the
-- application's fields; the audit row's takes the place and the detail (as
-- audit's tail fields); the stored answer is a format() template whose
-- %1$s..%4$s are the id, the two accounts and the hash.
DROP FUNCTION ledger_post_income(BIGINT, TEXT, TEXT, INTEGER, TIMESTAMPTZ, TIMESTAMPTZ, BIGINT, BIGINT, BIGINT, BIGINT,
    BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, BIGINT, TEXT, BYTEA, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, BYTEA, BYTEA,
    TEXT, TEXT, TEXT);
CREATE FUNCTION ledger_post_income(
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
    a_seq BIGINT;
    a_prev TEXT;
    v_scope TEXT;
BEGIN
    o_id := 0; o_prev := ''; o_hash := ''; o_cash := 0; o_funds := 0; o_status := 0; o_body := '';
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
    IF p_org = p_hub THEN
        RAISE EXCEPTION 'ledger: the posting goes the long way' USING ERRCODE = 'LL001';
    END IF;
    SELECT COALESCE(max(l.id) FILTER (WHERE l.kind = 'cash'), 0), COALESCE(max(l.id) FILTER (WHERE l.kind = 'funds'), 0)
    INTO o_cash, o_funds
    FROM (SELECT id, kind FROM ledger_accounts
          WHERE hub_org_id = p_hub AND org_id IN (p_hub, p_org) AND kind IN ('cash', 'funds') AND source = ''
            AND ((org_id = p_hub AND kind = 'cash') OR (org_id = p_org AND kind = 'funds'))
          ORDER BY id FOR UPDATE) l;
    UPDATE ledger_accounts SET balance_fen = balance_fen + CASE WHEN id = o_cash THEN p_amount ELSE -p_amount END
    WHERE id IN (o_cash, o_funds) AND status = 'open'
      AND ((id = o_cash AND balance_fen + p_amount >= 0) OR (id = o_funds AND balance_fen - p_amount <= 0));
    GET DIAGNOSTICS n = ROW_COUNT;
    SELECT community_code INTO v_scope FROM orgs WHERE id = p_org;
    IF n <> 2 OR v_scope IS NULL THEN
        RAISE EXCEPTION 'ledger: the posting goes the long way' USING ERRCODE = 'LL001';
    END IF;
    UPDATE ledger_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash INTO o_id, o_prev;
    o_hash := encode(sha256(convert_to(octet_length(o_prev) || ':' || o_prev || E'\n'
        || octet_length(o_id::text) || ':' || o_id || E'\n', 'UTF8') || p_hash_fields
        || convert_to(o_cash || '=' || p_amount || E'\n' || o_funds || '=' || -p_amount || E'\n', 'UTF8')), 'hex');
    INSERT INTO postings (id, hub_org_id, org_id, kind, source, voucher, memo, payee, occurred_on,
        created_at, created_by, username, prev_hash, hash)
    VALUES (o_id, p_hub, p_org, p_kind, p_source, p_voucher, p_memo, '', p_occurred,
        p_now, NULLIF(p_created_by, 0), p_username, o_prev, o_hash);
    INSERT INTO posting_lines (posting_id, account_id, amount_fen) VALUES (o_id, o_cash, p_amount), (o_id, o_funds, -p_amount);
    UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash INTO a_seq, a_prev;
    INSERT INTO audit_log (seq, at, user_id, username, ip, action, object_type, object_id, scope_code, detail, prev_hash, hash)
    VALUES (a_seq, p_now, NULLIF(p_actor_id, 0), p_actor_name, p_ip, p_action, p_object_type, o_id::text, v_scope, p_detail,
        a_prev, encode(sha256(convert_to(octet_length(a_prev) || ':' || a_prev || E'\n'
            || octet_length(a_seq::text) || ':' || a_seq || E'\n', 'UTF8') || p_audit_mid
            || convert_to(octet_length(o_id::text) || ':' || o_id || E'\n'
                || octet_length(v_scope) || ':' || v_scope || E'\n'
                || octet_length(p_detail) || ':' || p_detail || E'\n', 'UTF8')), 'hex'));
    IF p_key <> '' THEN
        UPDATE idempotency_keys SET status_code = p_key_status, response = format(p_answer, o_id, o_cash, o_funds, o_hash)
        WHERE user_id = p_key_user AND idem_key = p_key;
    END IF;
    o_outcome := 'posted';
END $$;

-- An account's identity is fixed and accounts are never deleted; the guard
-- ran (a plpgsql call) for every row of every balance update, two per
-- posting. It now fires, as on SQLite, only for an UPDATE that sets an
-- identity column, and for a DELETE; the function itself is unchanged.
DROP TRIGGER ledger_accounts_fixed ON ledger_accounts;
CREATE TRIGGER ledger_accounts_fixed BEFORE UPDATE OF id, hub_org_id, org_id, kind, source ON ledger_accounts
FOR EACH ROW EXECUTE FUNCTION ledger_accounts_guard();
CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON ledger_accounts
FOR EACH ROW EXECUTE FUNCTION ledger_accounts_guard();
