-- Deleting a product archives it: order_items keep referencing the row, so
-- order history is never lost, while listings, lookups and new orders skip it.
ALTER TABLE products ADD COLUMN archived_at timestamptz;
