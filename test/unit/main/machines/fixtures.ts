// Moved to test/helpers/fixtures.ts (the fixtures every area's tests share); import from
// there. Kept only until the last importer under way (test/integration/shop-view.test.ts) moves.
export * from '../../../helpers/fixtures.js';
