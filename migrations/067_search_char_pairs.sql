-- Issue 19: a search through PostgreSQL's full-text index. A search of two
-- Chinese characters was a phrase of two character lexemes ('4401x舞' <->
-- '4401x蹈'): the GIN index gave every document holding both characters,
-- and the server then read each of those rows to check the positions (the
-- bitmap's recheck), the largest step of the search. The character vector
-- (chars_tsv) now also holds, behind the district and behind the city, each
-- two adjacent Han characters of the name as one lexeme without positions
-- ('4401x舞蹈'): two characters are one whole lexeme, which the index
-- answers alone, and a longer search asks first for the documents holding
-- all its pairs, then checks the phrase on those. linli sends the pairs in
-- the vectors it builds (registry.pairsOf); the trigger below writes the
-- same pairs for the documents it builds. A pair is two tokens, each one
-- character of the CJK Unified Ideographs (U+4E00-U+9FFF) or their
-- extension A (U+3400-U+4DBF). registry's TestSearchVectorsAreTheParsers
-- compares what linli sends with the trigger's on written and generated
-- documents. The documents already written get their pairs here.
-- @sqlite
SELECT 1;
-- @postgres
CREATE FUNCTION org_search_pairs(chars text, district text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT array_to_tsvector(COALESCE(array_agg(p.prefix || t.a || t.b), '{}'))
    FROM (SELECT a, lead(a) OVER (ORDER BY i) AS b FROM unnest(string_to_array(chars, ' ')) WITH ORDINALITY u (a, i)) t
    CROSS JOIN (VALUES (district), (substr(district, 1, 4) || 'x')) p (prefix)
    WHERE length(t.a) = 1 AND length(t.b) = 1
        AND (ascii(t.a) BETWEEN 19968 AND 40959 OR ascii(t.a) BETWEEN 13312 AND 19903)
        AND (ascii(t.b) BETWEEN 19968 AND 40959 OR ascii(t.b) BETWEEN 13312 AND 19903)
$$;

CREATE OR REPLACE FUNCTION org_search_vectors() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (NEW.chars, NEW.py, NEW.district) IS DISTINCT FROM (OLD.chars, OLD.py, OLD.district)
        AND (NEW.chars_tsv, NEW.py_tsv) IS NOT DISTINCT FROM (OLD.chars_tsv, OLD.py_tsv) THEN
        NEW.chars_tsv := NULL;
        NEW.py_tsv := NULL;
    END IF;
    IF NEW.chars_tsv IS NULL THEN
        NEW.chars_tsv := to_tsvector('simple',
            CASE WHEN NEW.chars = '' THEN '' ELSE NEW.district || replace(NEW.chars, ' ', ' ' || NEW.district)
                || ' ' || substr(NEW.district, 1, 4) || 'x' || replace(NEW.chars, ' ', ' ' || substr(NEW.district, 1, 4) || 'x') END)
            || org_search_pairs(NEW.chars, NEW.district);
    END IF;
    IF NEW.py_tsv IS NULL THEN
        NEW.py_tsv := to_tsvector('simple',
            CASE WHEN NEW.py = '' THEN '' ELSE NEW.district || replace(NEW.py, ' ', ' ' || NEW.district)
                || ' ' || substr(NEW.district, 1, 4) || 'x' || replace(NEW.py, ' ', ' ' || substr(NEW.district, 1, 4) || 'x') END);
    END IF;
    RETURN NEW;
END $$;

-- Every row written again: the three GIN indexes are built afresh after
-- it rather than updated row by row (8 minutes nationally).
DROP INDEX org_search_chars;
DROP INDEX org_search_py;
DROP INDEX org_search_ini;
UPDATE org_search SET chars_tsv = chars_tsv || org_search_pairs(chars, district) WHERE chars LIKE '% %';
CREATE INDEX org_search_chars ON org_search USING gin (chars_tsv);
CREATE INDEX org_search_py ON org_search USING gin (py_tsv);
CREATE INDEX org_search_ini ON org_search USING gin (ini_tsv);
