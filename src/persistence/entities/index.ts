import { DealLink } from './deal-link.entity.js';
import { OAuthToken } from './oauth-token.entity.js';
import { SyncCursor } from './sync-cursor.entity.js';
import { SyncOperation } from './sync-operation.entity.js';
import { SyncRun } from './sync-run.entity.js';

export * from './deal-link.entity.js';
export * from './oauth-token.entity.js';
export * from './sync-cursor.entity.js';
export * from './sync-operation.entity.js';
export * from './sync-run.entity.js';

export const ENTITIES = [SyncRun, SyncOperation, DealLink, SyncCursor, OAuthToken];
