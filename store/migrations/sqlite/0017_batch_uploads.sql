-- The batch as its sensor sent it (zstd-compressed CBOR or JSON, named by
-- upload_encoding), kept until the analysis has taken the batch in and then
-- set to NULL: the analysis reads one value per batch instead of every
-- minute row (docs/ANALYSIS.md). The minute rows stay the record the portal,
-- the rollups and retention read. NULL for every batch stored before: those
-- are read back from their rows.
ALTER TABLE batches ADD COLUMN upload BLOB;
ALTER TABLE batches ADD COLUMN upload_encoding TEXT;
