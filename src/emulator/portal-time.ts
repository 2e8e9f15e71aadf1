/**
 * Date handling in the portal's time zone (a fixed offset such as '+03:00'). Output follows PHP
 * `date('c')`; date-only fields come back as UTC midnight shown in the portal offset, e.g.
 * '2024-08-30T03:00:00+03:00' (bitrix24-api.md §6.2).
 */
export interface PortalOffset {
  minutes: number;
  text: string;
}

export function parseOffset(text: string): PortalOffset {
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!match) {
    throw new RangeError(`timezoneOffset must look like +03:00, got '${text}'`);
  }
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return { minutes: match[1] === '-' ? -minutes : minutes, text };
}

export function formatDateTime(ms: number, offset: PortalOffset): string {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset.minutes * 60_000).toISOString();
  return `${local.slice(0, 19)}${offset.text}`;
}

/** A stored portal-local date 'YYYY-MM-DD' as the API prints it. */
export function formatDateOnly(date: string, offset: PortalOffset): string {
  return formatDateTime(Date.parse(`${date}T00:00:00Z`), offset);
}

/** The portal-local calendar date of an instant. */
export function portalDate(ms: number, offset: PortalOffset): string {
  return new Date(ms + offset.minutes * 60_000).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_RU = /^(\d{2})\.(\d{2})\.(\d{4})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An instant from what the server's strtotime-based parser would accept for our purposes:
 * ISO dates/datetimes (offset optional; without one the portal zone applies) and 'DD.MM.YYYY'.
 * Undefined when unparsable (the server then silently drops the field).
 */
export function parsePortalInstant(text: string, offset: PortalOffset): number | undefined {
  const trimmed = text.trim();
  const ru = DATE_RU.exec(trimmed);
  const iso = ru ? `${ru[3]}-${ru[2]}-${ru[1]}` : trimmed;
  if (DATE_ONLY.test(iso)) {
    return validInstant(Date.parse(`${iso}T00:00:00${offset.text}`), iso);
  }
  const match = DATE_TIME.exec(iso);
  if (!match) {
    return undefined;
  }
  const zone = match[3] === undefined ? offset.text : normalizeZone(match[3]);
  const time = (match[2] ?? '').length === 5 ? `${match[2]}:00` : match[2];
  return validInstant(Date.parse(`${match[1]}T${time}${zone}`), match[1] ?? '');
}

/** A portal-local date from input: date strings as written, datetimes converted to the portal zone. */
export function parsePortalDate(text: string, offset: PortalOffset): string | undefined {
  const trimmed = text.trim();
  const ru = DATE_RU.exec(trimmed);
  const iso = ru ? `${ru[3]}-${ru[2]}-${ru[1]}` : trimmed;
  if (DATE_ONLY.test(iso)) {
    return validInstant(Date.parse(`${iso}T00:00:00Z`), iso) === undefined ? undefined : iso;
  }
  const instant = parsePortalInstant(iso, offset);
  return instant === undefined ? undefined : portalDate(instant, offset);
}

function normalizeZone(zone: string): string {
  if (zone === 'Z') {
    return 'Z';
  }
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

/** Rejects overflowing calendar dates such as 2024-02-31 that Date.parse would roll over. */
function validInstant(ms: number, date: string): number | undefined {
  if (Number.isNaN(ms)) {
    return undefined;
  }
  const [y, m, d] = date.split('-').map(Number);
  const check = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1));
  return check.getUTCFullYear() === y && check.getUTCMonth() + 1 === m && check.getUTCDate() === d
    ? ms
    : undefined;
}
