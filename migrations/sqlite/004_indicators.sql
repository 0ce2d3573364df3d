-- The targets as live indicators (C3, C21, C22): indicators as data, rural
-- pilot communities, and the indexes the dashboards read.

-- An indicator: what is counted (rule, JSON), where it is judged (level),
-- who owns it (scope_code: the city, or one district for its own goals),
-- the target and its deadline, and the plan clause it comes from.
CREATE TABLE indicators (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    level       TEXT NOT NULL,                    -- city | district | street
    scope_code  TEXT NOT NULL,
    rule        TEXT NOT NULL,                    -- JSON: kind, source, filter, …
    target      REAL NOT NULL,
    start_on    TEXT NOT NULL DEFAULT '2021-09-01', -- YYYY-MM-DD: progress is measured from here
    deadline    TEXT NOT NULL,                    -- YYYY-MM-DD
    clause      TEXT NOT NULL DEFAULT '',
    builtin     INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    position    INTEGER NOT NULL DEFAULT 100,
    created_by  INTEGER,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX indicators_scope ON indicators (scope_code, position);

-- Rural pilot communities (C7): a district picks villages to pilot the
-- cultivation of rural CSOs. Dated, so any past day can be evaluated.
CREATE TABLE pilots (
    id             INTEGER PRIMARY KEY,
    community_code TEXT NOT NULL REFERENCES divisions (code),
    street_code    TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    kind           TEXT NOT NULL DEFAULT 'rural',
    designated_on  TEXT NOT NULL,                 -- YYYY-MM-DD
    revoked_on     TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD, '' while current
    note           TEXT NOT NULL DEFAULT '',
    revoke_reason  TEXT NOT NULL DEFAULT '',
    designated_by  INTEGER,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE UNIQUE INDEX pilots_current ON pilots (community_code, kind) WHERE revoked_on = '';
CREATE INDEX pilots_street ON pilots (street_code, designated_on);

-- Dashboards group on codes stored on the row; these keep the sparse flags
-- and the division levels one index seek away.
CREATE INDEX orgs_kpi_hub ON orgs (street_code, status) WHERE hub = 1;
CREATE INDEX orgs_kpi_brand ON orgs (street_code, status) WHERE brand = 1;
CREATE INDEX orgs_kpi_demonstration ON orgs (street_code, status) WHERE demonstration_year IS NOT NULL;
CREATE INDEX divisions_kpi_level ON divisions (level, code);

-- The eight indicators of the plan (穗民〔2021〕193号), present from the start.
INSERT INTO indicators (key, name_zh, name_en, level, scope_code, rule, target, start_on, deadline, clause, builtin, position, created_at, updated_at) VALUES
('hub_coverage', '枢纽型社区社会组织街道覆盖率', 'Streets with a hub organization', 'city', '4401',
 '{"kind":"unit_share","source":"orgs","unit_level":"street","min_count":1,"filter":{"hub":true}}',
 0.8, '2021-09-01', '2023-12-31', '二(一)2：到2023年底，全市80%的街道（乡镇）有不少于1个枢纽型社区社会组织', 1, 10, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('incubation_coverage', '区级孵化培育和活动场所覆盖率', 'Streets covered by an incubation or activity site', 'city', '4401',
 '{"kind":"unit_share","source":"bases","unit_level":"street","min_count":1}',
 0.5, '2021-09-01', '2021-12-31', '二(一)2：2021年底，全市区级社会组织孵化培育和活动场所覆盖率不低于50%', 1, 20, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('brand_orgs', '品牌社区社会组织', 'Brand organizations per district', 'district', '4401',
 '{"kind":"count","source":"orgs","filter":{"brand":true}}',
 3, '2021-09-01', '2023-12-31', '二(二)2：到2023年，每个区培育品牌社区社会组织数量不低于3个', 1, 30, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('brand_projects', '品牌项目', 'Brand projects per district', 'district', '4401',
 '{"kind":"count","source":"projects","filter":{"brand":true}}',
 3, '2021-09-01', '2023-12-31', '二(二)2：到2023年，每个区培育品牌项目数量不低于3个', 1, 40, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('demonstration_points', '社区社会组织示范点', 'Demonstration points per district per year', 'district', '4401',
 '{"kind":"count_per_year","source":"orgs","filter":{"demonstration":true},"years":[2022,2023],"year_field":"demonstration_year"}',
 1, '2022-01-01', '2023-12-31', '三(二)：指导各区每年创建1个社区社会组织示范点', 1, 50, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('training_per_year', '能力培训', 'Capacity trainings per district per year', 'district', '4401',
 '{"kind":"count_per_year","source":"trainings","years":[2021,2022,2023]}',
 1, '2021-09-01', '2023-12-31', '二(二)1：每年至少组织1次能力培训', 1, 60, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('hub_social_workers', '枢纽组织配备社会工作者', 'Hubs with a full- or part-time social worker', 'district', '4401',
 '{"kind":"record_share","source":"hubs","filter":{"hub":true},"numerator_filter":{"min_workers":1}}',
 1, '2021-09-01', '2023-12-31', '二(二)1：每个枢纽型社区社会组织配备1-2名专职或兼职社会工作者', 1, 70, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
('rural_pilots', '农村社区社会组织培育发展试点', 'Rural pilot communities', 'district', '4401',
 '{"kind":"count","source":"pilots","filter":{"pilot_kind":["rural"]},"units":["440112","440114","440115","440117","440118"]}',
 1, '2021-09-01', '2023-12-31', '二(一)4：黄埔区、花都区、南沙区、从化区、增城区等5区至少选取1个农村社区开展试点', 1, 80, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
