export * from './deal-mapping.js';
export * from './field-value.js';
export * from './mapped-payload.js';
export * from './mapping-compiler.js';
export * from './payload-hash.js';
