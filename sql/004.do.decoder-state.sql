-- The level-one merge state as of a committed seq, saved with the checkpoint about once a minute: a catch-up (after a
-- crash or a database outage) restores it and decodes from that seq, instead of re-decoding the recording from the
-- session's last reconnect (decode_from_seq), which late in a long session is hours of frames.
ALTER TABLE recording_checkpoints
    ADD COLUMN decoder_state JSONB,
    ADD COLUMN decoder_state_seq BIGINT;
