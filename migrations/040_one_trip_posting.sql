-- @sqlite
-- Issue 19. PostgreSQL only: ledger_post_income, an income posting in one
-- round trip (SQLite has no wire to save).
--
-- @postgres
-- An income posting to an organization in custody in one round trip
-- (issue 19): the idempotency key, both accounts locked in id order and
-- moved, the posting chain's head, the posting and its lines, the audit
-- chain's head and its row, and the stored answer, in one call made outside
-- any transaction (so the call is its own transaction: one round trip
-- instead of ten). The application computes everything it knows (the
-- posting's hash input after its id, the audit row's hash input around its
-- object id, the answer around the id and hash) and the function fills in
-- what only the heads know. The checks are the application's: an account
-- that is not the one expected, closed, or would go below zero raises
-- LL001, which rolls everything back (the key included) and sends the
-- posting the long way, where the application's own rules answer.
CREATE FUNCTION ledger_post_income(
    p_key_user BIGINT, p_key TEXT, p_key_hash TEXT, p_key_status INTEGER, p_key_expired TIMESTAMPTZ,
    p_now TIMESTAMPTZ, p_hub BIGINT, p_org BIGINT, p_cash BIGINT, p_funds BIGINT, p_amount BIGINT,
    p_kind TEXT, p_source TEXT, p_voucher TEXT, p_memo TEXT, p_occurred TEXT,
    p_created_by BIGINT, p_username TEXT, p_hash_tail BYTEA,
    p_actor_id BIGINT, p_actor_name TEXT, p_ip TEXT, p_action TEXT, p_object_type TEXT, p_scope TEXT,
    p_detail TEXT, p_audit_mid BYTEA, p_audit_tail BYTEA,
    p_answer_head TEXT, p_answer_mid TEXT, p_answer_tail TEXT,
    OUT o_outcome TEXT, OUT o_id BIGINT, OUT o_prev TEXT, OUT o_hash TEXT, OUT o_status INTEGER, OUT o_body TEXT)
LANGUAGE plpgsql AS $$
DECLARE
    n INTEGER;
    k_hash TEXT;
    a_seq BIGINT;
    a_prev TEXT;
BEGIN
    o_id := 0; o_prev := ''; o_hash := ''; o_status := 0; o_body := '';
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
    PERFORM 1 FROM ledger_accounts WHERE id IN (p_cash, p_funds) ORDER BY id FOR UPDATE;
    UPDATE ledger_accounts SET balance_fen = balance_fen + CASE WHEN id = p_cash THEN p_amount ELSE -p_amount END
    WHERE id IN (p_cash, p_funds) AND hub_org_id = p_hub AND source = '' AND status = 'open'
      AND ((id = p_cash AND org_id = p_hub AND kind = 'cash' AND balance_fen + p_amount >= 0)
        OR (id = p_funds AND org_id = p_org AND kind = 'funds' AND balance_fen - p_amount <= 0));
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> 2 OR p_cash = p_funds THEN
        RAISE EXCEPTION 'ledger: the posting goes the long way' USING ERRCODE = 'LL001';
    END IF;
    UPDATE ledger_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash INTO o_id, o_prev;
    o_hash := encode(sha256(convert_to(octet_length(o_prev) || ':' || o_prev || E'\n'
        || octet_length(o_id::text) || ':' || o_id || E'\n', 'UTF8') || p_hash_tail), 'hex');
    INSERT INTO postings (id, hub_org_id, org_id, kind, source, voucher, memo, payee, occurred_on,
        created_at, created_by, username, prev_hash, hash)
    VALUES (o_id, p_hub, p_org, p_kind, p_source, p_voucher, p_memo, '', p_occurred,
        p_now, NULLIF(p_created_by, 0), p_username, o_prev, o_hash);
    INSERT INTO posting_lines (posting_id, account_id, amount_fen) VALUES (o_id, p_cash, p_amount), (o_id, p_funds, -p_amount);
    UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash INTO a_seq, a_prev;
    INSERT INTO audit_log (seq, at, user_id, username, ip, action, object_type, object_id, scope_code, detail, prev_hash, hash)
    VALUES (a_seq, p_now, NULLIF(p_actor_id, 0), p_actor_name, p_ip, p_action, p_object_type, o_id::text, p_scope, p_detail,
        a_prev, encode(sha256(convert_to(octet_length(a_prev) || ':' || a_prev || E'\n'
            || octet_length(a_seq::text) || ':' || a_seq || E'\n', 'UTF8') || p_audit_mid
            || convert_to(octet_length(o_id::text) || ':' || o_id || E'\n', 'UTF8') || p_audit_tail), 'hex'));
    IF p_key <> '' THEN
        UPDATE idempotency_keys SET status_code = p_key_status,
            response = p_answer_head || o_id || p_answer_mid || o_hash || p_answer_tail
        WHERE user_id = p_key_user AND idem_key = p_key;
    END IF;
    o_outcome := 'posted';
END $$;

-- @both
-- The search index's initials become whole tokens: every run of up to
-- eight initials of a name is a token of its own (registry.SearchDoc), so a
-- @sqlite
-- search by initials is an exact token query instead of a prefix query that
-- reads every token starting with it. Only Go computes the tokens: the
-- documents are dropped here and rebuilt at start-up by the registry
-- (EnsureSearchIndex, in batches through the shared writer); the index is
-- emptied at once ('delete-all'), its delete trigger set aside meanwhile,
-- so dropping the documents costs nothing.
DROP TRIGGER org_search_ad;
INSERT INTO org_search_fts (org_search_fts) VALUES ('delete-all');
DELETE FROM org_search;
CREATE TRIGGER org_search_ad AFTER DELETE ON org_search BEGIN
    DELETE FROM org_search_fts WHERE rowid = old.org_id;
END;

-- @postgres
-- search by initials is one exact lexeme, which the GIN index answers
-- without a prefix scan of its entries and without a recheck; positions are
-- of no use to a single lexeme and are stripped. Only Go computes the
-- tokens: the documents are dropped here and rebuilt at start-up by the
-- registry (EnsureSearchIndex, in batches through the shared writer).
DROP INDEX org_search_ini;
TRUNCATE org_search;
ALTER TABLE org_search DROP COLUMN ini_tsv;
ALTER TABLE org_search ADD COLUMN ini_tsv tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple',
    CASE WHEN ini = '' THEN '' ELSE district || replace(ini, ' ', ' ' || district)
            || ' ' || substr(district, 1, 4) || 'x' || replace(ini, ' ', ' ' || substr(district, 1, 4) || 'x') END))) STORED;
CREATE INDEX org_search_ini ON org_search USING gin (ini_tsv);
