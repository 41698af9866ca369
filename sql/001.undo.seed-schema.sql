-- Reverses 001: children before parents, so no foreign key blocks a drop.
DROP TABLE transaction_items;
DROP TABLE transactions;
DROP TABLE execution_legs;
DROP TABLE order_activities;
DROP TABLE order_legs;
DROP TABLE orders;
DROP TABLE option_deliverables;
DROP TABLE options_contracts;
DROP TABLE options_chains;
DROP TABLE options_expirations;
DROP TABLE price_data;
DROP TABLE symbols;
DROP TABLE accounts;
