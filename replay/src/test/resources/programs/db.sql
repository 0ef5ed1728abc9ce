CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, v REAL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000)
  INSERT INTO t SELECT x, 'name' || x, x * 1.5 FROM c;
CREATE INDEX tn ON t(name);
CREATE TABLE u(a INTEGER, b TEXT);
INSERT INTO u SELECT id % 100, name FROM t;
CREATE INDEX ua ON u(a);
SELECT a, count(*), max(b) FROM u GROUP BY a ORDER BY 2 DESC LIMIT 5;
SELECT count(*) FROM t JOIN u ON t.name = u.b WHERE t.v > 100;
UPDATE t SET name = upper(name) WHERE id % 3 = 0;
DELETE FROM u WHERE a > 50;
VACUUM;
SELECT sum(length(name)) FROM t;
