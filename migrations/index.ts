import { CreateSyncState1764331200000 } from './1764331200000-CreateSyncState.js';
import { OAuthApplicationToken1764700000000 } from './1764700000000-OAuthApplicationToken.js';

/** Every migration in order. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [CreateSyncState1764331200000, OAuthApplicationToken1764700000000];
