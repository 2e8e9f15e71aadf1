import { describe, expect, it } from '@jest/globals';
import { parseEmulatorArgs } from './emulator.cli.js';

describe('parseEmulatorArgs', () => {
  it('takes a listen address for container networks', () => {
    expect(parseEmulatorArgs(['--port', '8080', '--host', '0.0.0.0'])).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
    });
  });

  it('maps flags to options', () => {
    expect(
      parseEmulatorArgs([
        '--port=8080',
        '--https',
        '--rate-limit',
        '5/250',
        '--clock-speed',
        '60',
        '--drop-rate',
        '0.1',
        '--commit-then-drop-rate',
        '0.05',
        '--seed',
        '3',
        '--batch-charge',
        'batch',
        '--method-cost',
        '0.2',
        '--on-prem',
        '--categories',
        '1:Wholesale,7:Export',
        '--webhook-secret',
        'abc',
        '--require-https',
      ]),
    ).toEqual({
      port: 8080,
      https: true,
      rateLimit: { drainPerSecond: 5, capacity: 250 },
      clockSpeed: 60,
      faults: { dropRate: 0.1, commitThenDropRate: 0.05, seed: 3 },
      operating: { batchCharge: 'batch', methodCostSeconds: { '*': 0.2 } },
      cloud: false,
      categories: [
        { id: 1, name: 'Wholesale' },
        { id: 7, name: 'Export' },
      ],
      access: { requireHttps: true },
      webhook: { userId: 1, secret: 'abc' },
    });
  });

  it('bills methods one by one with METHOD=S entries (repeatable, comma-separated, lower-cased)', () => {
    expect(
      parseEmulatorArgs([
        '--method-cost',
        'crm.deal.add=0.1,crm.item.add=0.1',
        '--method-cost',
        'crm.item.batchImport=0.1',
        '--method-cost',
        '0.01',
      ]),
    ).toMatchObject({
      operating: {
        methodCostSeconds: {
          'crm.deal.add': 0.1,
          'crm.item.add': 0.1,
          'crm.item.batchimport': 0.1,
          '*': 0.01,
        },
      },
    });
  });

  it('returns defaults for no flags and help for --help', () => {
    expect(parseEmulatorArgs([])).toEqual({ faults: {}, operating: {} });
    expect(parseEmulatorArgs(['--help'])).toBe('help');
  });

  it.each([
    [['--rate-limit', '2:50'], '--rate-limit'],
    [['--port', 'x'], '--port'],
    [['--batch-charge', 'all'], '--batch-charge'],
    [['--method-cost', 'crm.deal.add='], '--method-cost'],
    [['--method-cost', 'crm.deal.add=-1'], '--method-cost'],
    [['--client-id', 'a'], '--client-secret'],
    [['--unknown'], 'Unknown option'],
  ])('refuses %j', (args, message) => {
    expect(() => parseEmulatorArgs(args)).toThrow(message);
  });
});
