import { describe, expect, it } from '@jest/globals';
import {
  emptyBucket,
  levelAt,
  minimumDurationMs,
  recordRejection,
  roomDelayMs,
  takeRoom,
  type BucketModel,
} from './leaky-bucket.js';

const portal = { drainPerSecond: 2, capacity: 50 };

describe('leaky bucket model', () => {
  it.each([
    { level: 10, atMs: 0, nowMs: 0, expected: 10 },
    { level: 10, atMs: 0, nowMs: 1000, expected: 8 },
    { level: 10, atMs: 0, nowMs: 2500, expected: 5 },
    { level: 10, atMs: 0, nowMs: 60_000, expected: 0 },
    { level: 10, atMs: 5000, nowMs: 4000, expected: 10 },
  ])('drains $level at 2/s to $expected after $nowMs ms', ({ level, atMs, nowMs, expected }) => {
    expect(levelAt({ level, atMs }, portal, nowMs)).toBeCloseTo(expected, 9);
  });

  it.each([
    { what: 'empty bucket', model: { level: 0, atMs: 0 }, nowMs: 0, margin: 0, expected: 0 },
    { what: 'one below full, no margin', model: { level: 49, atMs: 0 }, nowMs: 0, margin: 0, expected: 0 },
    { what: 'full, no margin', model: { level: 50, atMs: 0 }, nowMs: 0, margin: 0, expected: 500 },
    {
      what: 'full, half a request margin',
      model: { level: 50, atMs: 0 },
      nowMs: 0,
      margin: 0.5,
      expected: 750,
    },
    {
      what: 'full, drained 200 ms already',
      model: { level: 50, atMs: 0 },
      nowMs: 200,
      margin: 0,
      expected: 300,
    },
    {
      what: 'over full (rejection seen)',
      model: { level: 52, atMs: 0 },
      nowMs: 0,
      margin: 0,
      expected: 1500,
    },
    { what: 'margin larger than capacity', model: { level: 0, atMs: 0 }, nowMs: 0, margin: 80, expected: 0 },
  ])('room delay: $what → $expected ms', ({ model, nowMs, margin, expected }) => {
    expect(roomDelayMs(model, portal, nowMs, margin)).toBe(expected);
  });

  it('admits exactly capacity requests at once, then one per drain interval', () => {
    let model: BucketModel = emptyBucket(0);
    let now = 0;
    const sendTimes: number[] = [];
    for (let i = 0; i < 54; i++) {
      now += roomDelayMs(model, portal, now, 0);
      model = takeRoom(model, portal, now, 50, 1).model;
      sendTimes.push(now);
    }
    expect(sendTimes.slice(0, 50).every((t) => t === 0)).toBe(true);
    expect(sendTimes.slice(50)).toEqual([500, 1000, 1500, 2000]);
    expect(model.level).toBeCloseTo(50, 9);
  });

  it('never lets the modelled level exceed capacity − margin under a sustained burst', () => {
    let model: BucketModel = emptyBucket(0);
    let now = 0;
    let peak = 0;
    for (let i = 0; i < 500; i++) {
      now += roomDelayMs(model, portal, now, 0.5) + (i % 3);
      model = takeRoom(model, portal, now, 49.5, 1).model;
      peak = Math.max(peak, model.level);
    }
    expect(peak).toBeLessThanOrEqual(49.5 + 1e-9);
  });

  it.each([
    { what: 'empty, asks 8', model: { level: 0, atMs: 0 }, nowMs: 0, slots: 8, granted: 8, level: 8 },
    { what: 'room for 3 of 8', model: { level: 46, atMs: 0 }, nowMs: 0, slots: 8, granted: 3, level: 49 },
    { what: 'full', model: { level: 49.5, atMs: 0 }, nowMs: 0, slots: 4, granted: 0, level: 49.5 },
    {
      what: 'full, drained 1 s',
      model: { level: 49.5, atMs: 0 },
      nowMs: 1000,
      slots: 4,
      granted: 2,
      level: 49.5,
    },
    {
      what: 'a clock behind the bucket (another process) drains nothing',
      model: { level: 49, atMs: 5000 },
      nowMs: 4000,
      slots: 4,
      granted: 0,
      level: 49,
    },
  ])('takes room for several requests at once: $what', ({ model, nowMs, slots, granted, level }) => {
    const taken = takeRoom(model, portal, nowMs, 49.5, slots);
    expect(taken.granted).toBe(granted);
    expect(taken.model.level).toBeCloseTo(level, 9);
    expect(taken.model.atMs).toBe(Math.max(model.atMs, nowMs));
  });

  it('keeps two processes taking turns on one bucket within capacity − margin together', () => {
    let model: BucketModel = emptyBucket(0);
    let peak = 0;
    let granted = 0;
    for (let now = 0; now < 60_000; now += 37) {
      for (const slots of [3, 5]) {
        const taken = takeRoom(model, portal, now, 49.5, slots);
        model = taken.model;
        granted += taken.granted;
        peak = Math.max(peak, model.level);
      }
    }
    expect(peak).toBeLessThanOrEqual(49.5 + 1e-9);
    // 49 at once, then 2 per second for the rest of the minute.
    expect(granted).toBeGreaterThanOrEqual(49 + 118);
  });

  it('treats a rejection as a full bucket', () => {
    expect(recordRejection(portal, 1234)).toEqual({ level: 50, atMs: 1234 });
  });

  it.each([
    { requests: 0, expected: 0 },
    { requests: 50, expected: 0 },
    { requests: 51, expected: 500 },
    { requests: 100, expected: 25_000 },
    { requests: 5000, expected: 2_475_000 },
  ])('the best time for $requests requests at 2/50 is $expected ms', ({ requests, expected }) => {
    expect(minimumDurationMs(requests, portal)).toBe(expected);
  });

  it('uses the Enterprise limits as given', () => {
    expect(minimumDurationMs(500, { drainPerSecond: 5, capacity: 250 })).toBe(50_000);
  });
});
