-- Reverses 007.
DROP TABLE screener_items;
DROP TABLE book_snapshots;
