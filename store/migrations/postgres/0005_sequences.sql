-- Sequence numbers handed out for capture files uploaded in the portal,
-- taken atomically, so two uploads at once never share one.
ALTER TABLE sensors ADD COLUMN reserved_sequence BIGINT NOT NULL DEFAULT 0;
UPDATE sensors SET reserved_sequence =
    COALESCE((SELECT MAX(sequence) FROM batches WHERE batches.sensor_id = sensors.id), 0);

-- Fingerprint of a stored batch as decoded: a retry carries the same data,
-- a replay of the sequence with other data is a conflict. NULL for batches
-- stored before it existed and for portal uploads.
ALTER TABLE batches ADD COLUMN content_digest BIGINT;
