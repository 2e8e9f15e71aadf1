export * from './batch-plan.js';
export * from './deal-change.js';
export * from './deal-diff.js';
export * from './delete-plan.js';
export * from './plan-summary.js';
