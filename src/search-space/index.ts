export * from './domain.js';
export * from './transform.js';
export * from './values.js';
export * from './sample.js';
export { checkParameter, parseNumber } from './check.js';
