-- @sqlite
-- Issue 19. PostgreSQL only: ledger_post_income_at finds the custody's
-- accounts itself (an income posting in one round trip, the custody read
-- included). On SQLite the posting's transaction finds them (ledger
-- creditCustody) and reads the organization's place (registry.OrgLines).
SELECT 1;

-- @postgres
-- An income posting in one round trip, the custody read included (issue
-- 19). ledger_post_income (migration 040) takes the accounts that reads
-- before it found (the organization and its custody: two more round trips).
-- Hub staff record income only at their own hub (ledger.canRecord), so the
-- application names that hub and the organization, and
-- ledger_post_income_at finds the rest: the hub's cash account and the
-- organization's funds account there (by their key), and the organization's
-- place for the audit row (the registry's orgs.community_code, what
-- registry.OrgLines reads on SQLite). It then fills in what the application
-- could not compute and calls ledger_post_income, which reserves the key,
-- locks both accounts and checks them again (this read takes no lock), moves
-- them, advances both chains and writes the posting, its lines, the audit
-- row and the stored answer, all in the one call. What the application
-- computed is completed here: the posting's hash input takes its lines after
-- the application's fields (account=amount and a newline each, as
-- Posting.hashLines writes them); the audit row's takes, after its object
-- id, the place and the detail (each as length:field and a newline, audit's
-- tail fields); the stored answer is a format() template (%1$s the id, %2$s
-- and %3$s the accounts, %4$s the hash), split here around the id and the
-- hash (control characters never stand raw in JSON). No such account, no
-- such organization or the hub's own money raise LL001, as a refusal in
-- ledger_post_income does: everything is rolled back, the key included, and
-- the posting goes the long way, where the application's own rules answer.
CREATE FUNCTION ledger_post_income_at(
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
    v_scope TEXT;
    v_answer TEXT;
BEGIN
    SELECT COALESCE(max(id) FILTER (WHERE kind = 'cash'), 0), COALESCE(max(id) FILTER (WHERE kind = 'funds'), 0)
    INTO o_cash, o_funds FROM ledger_accounts
    WHERE hub_org_id = p_hub AND org_id IN (p_hub, p_org) AND kind IN ('cash', 'funds') AND source = ''
      AND ((org_id = p_hub AND kind = 'cash') OR (org_id = p_org AND kind = 'funds'));
    SELECT community_code INTO v_scope FROM orgs WHERE id = p_org;
    IF p_org = p_hub OR o_cash = 0 OR o_funds = 0 OR v_scope IS NULL THEN
        RAISE EXCEPTION 'ledger: the posting goes the long way' USING ERRCODE = 'LL001';
    END IF;
    v_answer := format(p_answer, E'\x01', o_cash, o_funds, E'\x02');
    SELECT r.o_outcome, r.o_id, r.o_prev, r.o_hash, r.o_status, r.o_body
    INTO o_outcome, o_id, o_prev, o_hash, o_status, o_body
    FROM ledger_post_income(p_key_user, p_key, p_key_hash, p_key_status, p_key_expired,
        p_now, p_hub, p_org, o_cash, o_funds, p_amount,
        p_kind, p_source, p_voucher, p_memo, p_occurred, p_created_by, p_username,
        p_hash_fields || convert_to(o_cash || '=' || p_amount || E'\n' || o_funds || '=' || -p_amount || E'\n', 'UTF8'),
        p_actor_id, p_actor_name, p_ip, p_action, p_object_type, v_scope, p_detail, p_audit_mid,
        convert_to(octet_length(v_scope) || ':' || v_scope || E'\n' || octet_length(p_detail) || ':' || p_detail || E'\n', 'UTF8'),
        split_part(v_answer, E'\x01', 1), split_part(split_part(v_answer, E'\x01', 2), E'\x02', 1),
        split_part(v_answer, E'\x02', 2)) r;
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
