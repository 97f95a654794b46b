-- The shop's copy of every station's machine events (issue 20). Each station stays the
-- authority for its own machines: it ships its append-only machine_events here, in order,
-- keyed by (station_id, seq) where seq is the station's machine_events.id. A resend hits
-- the primary key and is absorbed; a hole in seq is a gap, reported by the shipper.

CREATE TABLE shop_stations (
  id text PRIMARY KEY,                 -- settings station.id, a uuid made once per station
  name text NOT NULL,                  -- option stationName (default: host name)
  bench text,                          -- the bench address, for the technician's eye
  version text,                        -- PrepStation version that last shipped
  last_seq bigint NOT NULL DEFAULT 0,  -- highest seq shipped; the next chunk starts above it
  backlog bigint NOT NULL DEFAULT 0,   -- events waiting in the station's outbox at last word
  last_seen timestamptz,               -- last word from the station (chunk or heartbeat)
  last_shipped_at timestamptz,
  gap_from bigint,                     -- last gap seen: seqs gap_from..gap_to never arrived
  gap_to bigint,
  gap_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shop_events (
  station_id text NOT NULL REFERENCES shop_stations (id),
  seq bigint NOT NULL,
  machine_id text NOT NULL,
  at timestamptz NOT NULL,
  deployment integer NOT NULL,
  kind text NOT NULL,
  data jsonb NOT NULL,
  shipped_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, seq)
);
CREATE INDEX shop_events_by_machine ON shop_events (station_id, machine_id, seq);
CREATE INDEX shop_events_by_at ON shop_events (at);

-- The station's own current view of each machine it shipped events about, written in the
-- same transaction as those events, so the shop view never replays events.
CREATE TABLE shop_machines (
  station_id text NOT NULL REFERENCES shop_stations (id),
  machine_id text NOT NULL,
  mac text,
  name text,
  state text NOT NULL,
  profile text,
  batch text,
  step text,
  steps_done integer NOT NULL DEFAULT 0,
  steps_total integer NOT NULL DEFAULT 0,
  progress integer NOT NULL DEFAULT 0,
  summary jsonb NOT NULL,              -- the station's MachineSummary (api/contract.ts)
  updated_seq bigint NOT NULL,         -- seq of the last event shipped about this machine
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, machine_id)
);
CREATE INDEX shop_machines_by_state ON shop_machines (state);
CREATE INDEX shop_machines_by_batch ON shop_machines (batch);
