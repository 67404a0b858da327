-- Run once on the database server as the postgres superuser:
--   sudo -u postgres psql -f setup.sql
-- Choose the password (the same as in chancery.env). chancery creates its
-- tables itself, in the schemas chancery and chancery_queue, on first use.
CREATE ROLE chancery LOGIN PASSWORD 'CHOOSE-A-PASSWORD';
-- Text compared byte by byte and letters' case told apart in ASCII only,
-- as in a data directory (SQLite), so the server lists names, dates and
-- search matches in the same order from either store.
CREATE DATABASE news OWNER chancery TEMPLATE template0 ENCODING 'UTF8'
    LC_COLLATE 'C' LC_CTYPE 'C';
