export * from './config.error.js';
export * from './config.loader.js';
export * from './config.module.js';
export * from './config.types.js';
export * from './secret.js';
export * from './url-redaction.js';
