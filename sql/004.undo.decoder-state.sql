-- Reverses 004.
ALTER TABLE recording_checkpoints DROP COLUMN decoder_state_seq, DROP COLUMN decoder_state;
