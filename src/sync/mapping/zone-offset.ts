const QUARTER_HOUR_MS = 900_000;
const DAY_MS = 86_400_000;
const MAX_CACHED_ENTRIES = 100_000;
const FIXED_UTC = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu']);
/** Marks a UTC day with an offset change: look it up by quarter hour. */
const TRANSITION_DAY = Number.NaN;

interface ZoneCache {
  readonly formatter: Intl.DateTimeFormat;
  /** UTC day number → the offset all day long, or TRANSITION_DAY. */
  readonly days: Map<number, number>;
  /** Quarter-hour number → offset, for transition days only. */
  readonly quarters: Map<number, number>;
}

const zones = new Map<string, ZoneCache>();

/**
 * The zone's UTC offset in minutes at an instant. Intl is slow, so offsets are cached per UTC day, and
 * per quarter hour on the days a transition happens: every transition in the IANA database since
 * standard time was adopted falls on a quarter-hour boundary (local mean time before ~1900 aside,
 * irrelevant to deals), and no zone changes its offset twice in one day.
 */
export function zoneOffsetMinutes(zone: string, epochMs: number): number {
  if (FIXED_UTC.has(zone)) {
    return 0;
  }
  const cache = zoneCache(zone);
  const day = Math.floor(epochMs / DAY_MS);
  let offset = cache.days.get(day);
  if (offset === undefined) {
    const start = computeOffset(cache.formatter, day * DAY_MS);
    offset = start === computeOffset(cache.formatter, (day + 1) * DAY_MS - 1) ? start : TRANSITION_DAY;
    remember(cache.days, day, offset);
  }
  if (!Number.isNaN(offset)) {
    return offset;
  }
  const quarter = Math.floor(epochMs / QUARTER_HOUR_MS);
  let exact = cache.quarters.get(quarter);
  if (exact === undefined) {
    exact = computeOffset(cache.formatter, quarter * QUARTER_HOUR_MS);
    remember(cache.quarters, quarter, exact);
  }
  return exact;
}

function zoneCache(zone: string): ZoneCache {
  let cache = zones.get(zone);
  if (cache === undefined) {
    cache = {
      formatter: new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }),
      days: new Map(),
      quarters: new Map(),
    };
    zones.set(zone, cache);
  }
  return cache;
}

function remember(map: Map<number, number>, key: number, value: number): void {
  if (map.size >= MAX_CACHED_ENTRIES) {
    map.clear();
  }
  map.set(key, value);
}

function computeOffset(formatter: Intl.DateTimeFormat, epochMs: number): number {
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
  return afterFits ? withAfter : withBefore;
}
