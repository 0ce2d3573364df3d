-- The portal's community and street pages list a place's public
-- activities by day (upcoming, recent, the month's calendar). Read
-- through activities_district_day they walked every activity of the
-- district in the period and kept the place's; these indexes give a
-- community's (a street's) activities of a period in day order directly.
CREATE INDEX activities_community_day ON activities (community_code, starts_on, id);
CREATE INDEX activities_street_day ON activities (street_code, starts_on, id);
