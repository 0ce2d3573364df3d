-- The public portal's publication settings (信息公开): what an organization
-- chose to publish beyond the registry's public facts (name, types, target
-- groups, community, hub and marks). Every part is off until the
-- organization (its leader or community committee) turns it on; turning a
-- part off removes it from the portal at once (pages are built per request,
-- never cached). Each change is audited (portal.publication).
CREATE TABLE portal_publications (
    org_id          INTEGER PRIMARY KEY REFERENCES orgs (id),
    contact         INTEGER NOT NULL DEFAULT 0,
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    about           INTEGER NOT NULL DEFAULT 0,
    description     TEXT NOT NULL DEFAULT '',
    how_to_join     TEXT NOT NULL DEFAULT '',
    photos          INTEGER NOT NULL DEFAULT 0,
    finances        INTEGER NOT NULL DEFAULT 0,
    finances_text   TEXT NOT NULL DEFAULT '',
    charter         INTEGER NOT NULL DEFAULT 0,
    charter_text    TEXT NOT NULL DEFAULT '',
    officers_text   TEXT NOT NULL DEFAULT '',
    activities      INTEGER NOT NULL DEFAULT 0,
    updated_by      INTEGER,
    updated_at      DATETIME NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
-- (no index on the switches: the portal's activity lists walk a place's
-- activities by day and look each host up here by its key)

-- Photos an organization publishes (checked by content, platform/upload).
CREATE TABLE portal_photos (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    caption      TEXT NOT NULL DEFAULT '',
    data         BLOB NOT NULL,
    uploaded_by  INTEGER,
    created_at   DATETIME NOT NULL
);
CREATE INDEX portal_photos_org ON portal_photos (org_id, id);
