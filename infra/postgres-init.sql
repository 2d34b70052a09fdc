-- The index's own database (infra/index: the queue, the outbox, the submissions) on infra/compose.yaml's
-- postgres service, beside Prefect's: the database `intake_index` owned by the role `intake` (a login,
-- nothing more: no superuser, no CREATEDB, no CREATEROLE), whose password is INTAKE_INDEX_PASSWORD
-- (infra/secrets/index-db.env, also given to the worker and the desk, which connect with
-- INTAKE_INDEX_URL=postgresql+psycopg://intake@postgres:5432/intake_index; the tables are made by the
-- service's own migrations when it first opens the index).
--
-- Run by the postgres image at the FIRST initialisation of its volume only (mounted into
-- /docker-entrypoint-initdb.d, run with psql as POSTGRES_USER on POSTGRES_DB). An existing volume -
-- PostgreSQL set up before the index existed - needs it run once by hand:
--   docker compose -f infra/compose.yaml up -d postgres       # with secrets/index-db.env in place
--   docker compose -f infra/compose.yaml exec postgres sh -c \
--     'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f /docker-entrypoint-initdb.d/10-intake-index.sql'
-- It is safe to run again: it makes what is missing and sets the role's password to the file's value
-- (run it again after changing index-db.env). The password is read from the environment (psql's
-- \getenv), never from a command line.
\set ON_ERROR_STOP on

\getenv index_password INTAKE_INDEX_PASSWORD
\if :{?index_password}
\else
\set index_password ''
\endif
SELECT length(:'index_password') < 16 AS index_password_missing \gset
\if :index_password_missing
DO $$ BEGIN RAISE EXCEPTION 'INTAKE_INDEX_PASSWORD is missing or shorter than 16 characters: infra/secrets/index-db.env (infra/make-secrets.sh)'; END $$;
\endif

-- The role: made once, its password (set each run) stored hashed (scram-sha-256, PostgreSQL's default).
SELECT 'CREATE ROLE intake LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'intake') \gexec
ALTER ROLE intake WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'index_password';
\unset index_password

-- Prefect's database (the one this runs on) is not the intake's: the role cannot even connect to it.
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()) \gexec

-- The database (CREATE DATABASE cannot run in a transaction, hence \gexec), the role's alone.
SELECT 'CREATE DATABASE intake_index OWNER intake' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'intake_index') \gexec
ALTER DATABASE intake_index OWNER TO intake;
REVOKE ALL ON DATABASE intake_index FROM PUBLIC;

-- Its public schema, where the migrations make the tables: the role's too.
\connect intake_index
ALTER SCHEMA public OWNER TO intake;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
