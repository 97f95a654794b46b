import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../../main/events/bus.js';

const svc = (name: string) =>
  ({
    type: 'service',
    service: {
      name,
      label: name,
      state: 'running',
      address: null,
      error: null,
      fix: null,
      since: '',
    },
  }) as const;

describe('EventBus', () => {
  it('numbers events and delivers them to listeners at once', () => {
    const bus = new EventBus(50, 10, () => new Date('2026-01-01T00:00:00Z'));
    const seen: number[] = [];
    bus.on((e) => seen.push(e.seq));
    bus.publish(svc('a'));
    bus.publish(svc('b'));
    expect(seen).toEqual([1, 2]);
    expect(bus.lastSeq).toBe(2);
  });

  it('batches stream clients per tick', () => {
    vi.useFakeTimers();
    try {
      const bus = new EventBus(50);
      const batches: number[][] = [];
      bus.onBatch((b) => batches.push(b.map((e) => e.seq)));
      for (let i = 0; i < 5; i++) bus.publish(svc(String(i)));
      expect(batches).toEqual([]);
      vi.advanceTimersByTime(50);
      expect(batches).toEqual([[1, 2, 3, 4, 5]]);
      bus.publish(svc('x'));
      vi.advanceTimersByTime(50);
      expect(batches).toEqual([[1, 2, 3, 4, 5], [6]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resumes from a seq while the ring holds it, and says when it cannot', () => {
    const bus = new EventBus(50, 3);
    for (let i = 0; i < 5; i++) bus.publish(svc(String(i)));
    expect(bus.since(3)?.map((e) => e.seq)).toEqual([4, 5]);
    expect(bus.since(5)).toEqual([]);
    expect(bus.since(0)).toBeNull();
  });

  it('keeps the newest events in order as the ring wraps around', () => {
    const bus = new EventBus(50, 4);
    for (let i = 0; i < 11; i++) bus.publish(svc(String(i)));
    expect(bus.since(7)?.map((e) => e.seq)).toEqual([8, 9, 10, 11]);
    expect(bus.since(9)?.map((e) => e.seq)).toEqual([10, 11]);
    expect(bus.since(6)).toBeNull();
    bus.publish(svc('x'));
    expect(bus.since(8)?.map((e) => e.seq)).toEqual([9, 10, 11, 12]);
    expect(bus.since(12)).toEqual([]);
  });

  it('keeps going when a listener throws', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    bus.on(() => {
      throw new Error('bug');
    });
    bus.on((e) => seen.push(e.seq));
    bus.publish(svc('a'));
    expect(seen).toEqual([1]);
  });
});
