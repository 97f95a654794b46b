import { describe, expect, it } from 'vitest';
import { parseShopServeArgs } from '../../../../main/commands/shop.js';

/** `prepstation shop serve` options: what a technician types, what the server gets. */
describe('prepstation shop serve options', () => {
  const url = 'postgres://prepstation:pw@db.shop.lan:5432/shop';

  it('takes the database and the UI listener, with defaults', () => {
    const o = parseShopServeArgs(['--database', url], {});
    expect(o).toMatchObject({ database: url, uiHost: '127.0.0.1', uiPort: 7790, logLevel: 'info' });
    expect(o.dataDir).toMatch(/shop-view$/);
    const p = parseShopServeArgs(
      ['--database', url, '--ui-host', '0.0.0.0', '--ui-port', '8000', '--shop-name', 'Müller IT'],
      {},
    );
    expect(p).toMatchObject({ uiHost: '0.0.0.0', uiPort: 8000, shopName: 'Müller IT' });
  });

  it('reads the database and token from the environment', () => {
    const o = parseShopServeArgs([], {
      PREPSTATION_DATABASE: url,
      PREPSTATION_UI_TOKEN: 'a-token-of-twenty-chars',
    });
    expect(o).toMatchObject({ database: url, uiToken: 'a-token-of-twenty-chars' });
  });

  it.each([
    [[], /--database is required/],
    [['--database', 'mysql://x@y/z'], /--database must be a PostgreSQL URL/],
    [['--database', url, '--ui-port', '70000'], /--ui-port must be 0-65535/],
    [['--database', url, '--ui-token', 'short'], /--ui-token must be at least 16/],
    [['--database', url, '--bench-address', '10.0.0.1'], /unknown option --bench-address/],
  ])('refuses %j, saying what is wrong', (argv, message) => {
    expect(() => parseShopServeArgs(argv as string[], {})).toThrow(message);
  });
});
