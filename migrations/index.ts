import { CreateSyncState1764331200000 } from './1764331200000-CreateSyncState.js';
import { RunLease1764500000000 } from './1764500000000-RunLease.js';
import { SweepKeys1764500000001 } from './1764500000001-SweepKeys.js';
import { OpenOperationOrder1764500000002 } from './1764500000002-OpenOperationOrder.js';
import { PortalBudget1764600000000 } from './1764600000000-PortalBudget.js';
import { OAuthApplicationToken1764700000000 } from './1764700000000-OAuthApplicationToken.js';

/** Every migration in order. Landed migrations are never edited: add a new one. */
export const MIGRATIONS = [
  CreateSyncState1764331200000,
  RunLease1764500000000,
  SweepKeys1764500000001,
  OpenOperationOrder1764500000002,
  PortalBudget1764600000000,
  OAuthApplicationToken1764700000000,
];
