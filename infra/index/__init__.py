"""The index: what a service pass, the review desk's queue and the monitor ask for, in a real database
(SQLite beside a local storage by default, PostgreSQL in production), so that none of them reads the
whole history of the bucket. The bucket stays the system of record: everything here is rebuilt from it
by `intake reindex` (intake/reindex.py)."""
