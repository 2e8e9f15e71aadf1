const QUARTER_HOUR_MS = 900_000;
const DAY_MS = 86_400_000;
const MAX_CACHED_BUCKETS = 8_192;
const FIXED_UTC = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu']);

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

/**
 * The zone's UTC offset in minutes at an instant. Cached per quarter hour: every offset transition of the
 * IANA database since standard time zones were adopted falls on a quarter-hour boundary, so no cached
 * bucket straddles one (local mean time before ~1900 is the only exception, irrelevant to deals).
 */
export function zoneOffsetMinutes(zone: string, epochMs: number): number {
  if (FIXED_UTC.has(zone)) {
    return 0;
  }
  let cache = offsetCache.get(zone);
  if (cache === undefined) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const bucket = Math.floor(epochMs / QUARTER_HOUR_MS);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    if (cache.size >= MAX_CACHED_BUCKETS) {
      cache.clear();
    }
    offset = computeOffset(zone, bucket * QUARTER_HOUR_MS);
    cache.set(bucket, offset);
  }
  return offset;
}

function computeOffset(zone: string, epochMs: number): number {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    formatters.set(zone, formatter);
  }
  const name = formatter.formatToParts(epochMs).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  if (!match) {
    return 0;
  }
  const minutes = Number(match[2]) * 60 + Number(match[3]) + Number(match[4] ?? 0) / 60;
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * The instant a wall-clock time (given as if it were UTC, `Date.UTC(...)`) denotes in a zone. Ambiguous
 * times (the hour repeated when clocks go back) take the earlier instant; times skipped when clocks go
 * forward are moved forward by the gap, as `Temporal`'s `compatible` disambiguation does.
 */
export function wallTimeToEpoch(zone: string, wallMs: number): number {
  const before = zoneOffsetMinutes(zone, wallMs - DAY_MS);
  const after = zoneOffsetMinutes(zone, wallMs + DAY_MS);
  if (before === after) {
    return wallMs - before * 60_000;
  }
  const withBefore = wallMs - before * 60_000;
  const withAfter = wallMs - after * 60_000;
  const beforeFits = zoneOffsetMinutes(zone, withBefore) === before;
  const afterFits = zoneOffsetMinutes(zone, withAfter) === after;
  if (beforeFits && afterFits) {
    return Math.min(withBefore, withAfter);
  }
  if (afterFits) {
    return withAfter;
  }
  return withBefore;
}
