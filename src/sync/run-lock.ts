import type { DataSource } from 'typeorm';
import { isAdvisoryLockHeld, tryAdvisoryLock, type AdvisoryLock } from '../persistence/advisory-lock.js';

/** One run per mapping at a time, across every process and replica (DESIGN §3 invariant 6). */
export const runLockName = (mapping: string): string => `run:${mapping}`;

export const tryRunLock = (dataSource: DataSource, mapping: string): Promise<AdvisoryLock | null> =>
  tryAdvisoryLock(dataSource, runLockName(mapping));

export const isRunLockHeld = (dataSource: DataSource, mapping: string): Promise<boolean> =>
  isAdvisoryLockHeld(dataSource, runLockName(mapping));
