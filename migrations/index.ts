import { CreateSyncState1764331200000 } from './1764331200000-CreateSyncState.js';
import { PortalBudget1764600000000 } from './1764600000000-PortalBudget.js';

/** Every migration in order. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [CreateSyncState1764331200000, PortalBudget1764600000000];
