export * from './erp-key.js';
export * from './erp-page.js';
export * from './erp-read.error.js';
export * from './erp-row.js';
export * from './erp-row-reader.factory.js';
export * from './erp-row.reader.js';
export * from './erp.module.js';
