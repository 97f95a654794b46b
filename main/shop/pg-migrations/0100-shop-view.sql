-- The shop view (issue 20): a NOTIFY tells it "station S, seqs A..B landed"; it then reads
-- the machines those seqs touched. This index makes that a range scan, not a table scan.
CREATE INDEX shop_machines_by_station_seq ON shop_machines (station_id, updated_seq);
