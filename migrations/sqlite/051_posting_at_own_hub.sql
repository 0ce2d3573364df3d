-- Issue 19. PostgreSQL only: ledger_post_income_at finds the custody's
-- accounts itself (an income posting in one round trip, the custody read
-- included). On SQLite the posting's transaction finds them (ledger
-- creditCustody) and reads the organization's place (registry.OrgLines).
SELECT 1;
