-- Shared libraries (issue 20): profile versions, secrets, and the app, driver and media
-- catalogue. Files themselves never enter the database: only their sha256 and size, and
-- which station holds them (stations fetch from each other over HTTP).

-- One row per profile: the head version. A save is accepted only if it names the head as
-- its base (UPDATE ... WHERE head_version = base): optimistic concurrency in one statement.
CREATE TABLE shop_profiles (
  id TEXT PRIMARY KEY,
  head_version INTEGER NOT NULL,
  head_hash TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_by TEXT NOT NULL
);

-- Every accepted version, never rewritten.
CREATE TABLE shop_profile_versions (
  profile_id TEXT NOT NULL REFERENCES shop_profiles (id),
  version INTEGER NOT NULL,
  hash TEXT NOT NULL,
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  station_id TEXT NOT NULL,
  saved_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (profile_id, version)
);

-- Secrets sealed with the shop key (AES-256-GCM, the name as associated data, as on a
-- station). The key is never here; key_check says which key sealed them.
CREATE TABLE shop_secrets (
  name TEXT PRIMARY KEY,
  iv TEXT NOT NULL,
  tag TEXT NOT NULL,
  data TEXT NOT NULL,
  deleted BOOLEAN NOT NULL DEFAULT false,
  revision BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  station_id TEXT NOT NULL
);

-- The shop key's check value (an HMAC of a constant): a station with another key is told
-- so instead of failing to decrypt later.
CREATE TABLE shop_key (
  one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
  key_check TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  station_id TEXT NOT NULL
);

-- Apps, driver packs and media: what the item is (meta, as the owning library stores it)
-- and its files by content. digest = sha256 of the canonical files list + meta.
CREATE TABLE shop_library_items (
  kind TEXT NOT NULL CHECK (kind IN ('app', 'driver', 'media')),
  id TEXT NOT NULL,
  digest TEXT NOT NULL,
  meta JSONB NOT NULL,
  files JSONB NOT NULL,
  revision BIGINT NOT NULL,
  station_id TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, id)
);

-- Which station can serve which content, and where each station can be reached.
CREATE TABLE shop_blob_holders (
  sha256 TEXT NOT NULL,
  station_id TEXT NOT NULL,
  size BIGINT NOT NULL,
  seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, station_id)
);

CREATE TABLE shop_library_origins (
  station_id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One counter for secrets and items, so a station asks "what changed after N".
CREATE SEQUENCE shop_library_revision;
