-- Run once on the database server as the postgres superuser:
--   sudo -u postgres psql -f setup.sql
-- Choose the password (the same as in chancery.env). chancery creates its
-- tables itself, in the schemas chancery and chancery_queue, on first use.
CREATE ROLE chancery LOGIN PASSWORD 'CHOOSE-A-PASSWORD';
CREATE DATABASE news OWNER chancery;
