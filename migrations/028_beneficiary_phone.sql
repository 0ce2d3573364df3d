-- Registered beneficiaries' phones are personal data like every other
-- phone: sealed (AES-GCM, platform/pii) with a keyed hash beside it for
-- exact lookups; rows written before are sealed at start (pii.Columns).
ALTER TABLE beneficiaries ADD COLUMN phone_hash TEXT NOT NULL DEFAULT '';
