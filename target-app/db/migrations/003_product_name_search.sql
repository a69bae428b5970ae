-- Product search is a case-insensitive substring match (name ILIKE '%q%'): a
-- B-tree cannot serve it, a trigram GIN index can. pg_trgm lives in a schema
-- of its own so that every schema of the database (tests use one each) finds
-- the operator class under one qualified name, and public stays untouched.
CREATE SCHEMA IF NOT EXISTS perflab_ext;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA perflab_ext;
CREATE INDEX products_name_trgm_idx ON products USING gin (name perflab_ext.gin_trgm_ops);
