import type { Migration } from '../migrate.js';

/**
 * The outbox for shipping machine events to the shop PostgreSQL (issue 20, main/shop/).
 *
 * The trigger runs inside the INSERT into machine_events, so an event and its outbox row
 * are committed together or not at all, by construction: no write path can forget it. A
 * row holds only the event's id (machine_events.id, contiguous per station: AUTOINCREMENT,
 * never deleted, a rolled-back insert gives its number back), which is also the seq the
 * shop database keys the event by. The shipper deletes rows once their chunk committed
 * in PostgreSQL.
 *
 * Without --database the outbox must not grow: the trigger fills it only once the setting
 * `shop.outbox` is 'on'. The shipper turns it on the first time the station starts with a
 * database, in one transaction with copying the ids of every event so far (the shop gets
 * the station's whole history, and seq 1 onwards is contiguous, so a gap is always a
 * real gap). A station that later runs without --database keeps filling the outbox on
 * purpose (its events reach the shop when it comes back); it costs one 8-byte row per
 * event beside the event itself, and the station logs the backlog at start.
 */
export const m0060ShopOutbox: Migration = {
  version: 60,
  name: 'shop outbox',
  up: `
    CREATE TABLE shop_outbox (
      event_id INTEGER PRIMARY KEY
    ) STRICT;

    CREATE TRIGGER shop_outbox_fill AFTER INSERT ON machine_events
      WHEN (SELECT value FROM settings WHERE key = 'shop.outbox') = 'on'
      BEGIN INSERT INTO shop_outbox (event_id) VALUES (NEW.id); END;
  `,
};
