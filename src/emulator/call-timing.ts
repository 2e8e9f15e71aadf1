import { formatDateTime, type PortalOffset } from './portal-time.js';

/** The `time` object of a response or of a batch sub-result (bitrix24-api.md §2.2). */
export interface TimeObject {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating?: number;
  operating_reset_at?: number;
}

export interface TimingRecord {
  startMs: number;
  processingSeconds: number;
  /** Operating-budget key the call was charged to. */
  key: string;
}

export interface OperatingReading {
  operating: number;
  resetAt?: number;
}

export function buildTime(
  record: TimingRecord,
  offset: PortalOffset,
  operating?: OperatingReading,
): TimeObject {
  const start = record.startMs / 1000;
  const finish = start + record.processingSeconds;
  const time: TimeObject = {
    start: round(start),
    finish: round(finish),
    duration: round(finish - start),
    processing: round(record.processingSeconds),
    date_start: formatDateTime(start * 1000, offset),
    date_finish: formatDateTime(finish * 1000, offset),
  };
  if (operating !== undefined) {
    time.operating = operating.operating;
    if (operating.resetAt !== undefined) {
      time.operating_reset_at = operating.resetAt;
    }
  }
  return time;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
