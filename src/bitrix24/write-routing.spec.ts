import { describe, expect, it } from '@jest/globals';
import type { CreateMethod } from '../config/create-via.js';
import { byMethod, routeCreates, type MethodCapacity } from './write-routing.js';

const ALL: CreateMethod[] = ['crm.deal.add', 'crm.item.add', 'crm.item.batchImport'];

function capacities(table: Partial<Record<CreateMethod, MethodCapacity>>) {
  return (method: CreateMethod): MethodCapacity =>
    table[method] ?? { fastSeconds: 384, totalSeconds: 480, callCostSeconds: undefined };
}

const counts = (routes: readonly CreateMethod[]) =>
  Object.fromEntries([...byMethod(routes)].map(([method, indexes]) => [method, indexes.length]));

describe('routeCreates', () => {
  it('keeps every create on the first method while its budget pays for them', () => {
    const routes = routeCreates(
      500,
      ALL,
      capacities({
        'crm.deal.add': { fastSeconds: 384, totalSeconds: 480, callCostSeconds: 0.1 },
      }),
    );

    expect(counts(routes)).toEqual({ 'crm.deal.add': 500 });
  });

  it('moves on to the next method when the first one would slow down, never past what a budget pays', () => {
    const routes = routeCreates(
      500,
      ALL,
      capacities({
        'crm.deal.add': { fastSeconds: 10, totalSeconds: 106, callCostSeconds: 0.1 },
        'crm.item.add': { fastSeconds: 20, totalSeconds: 116, callCostSeconds: 0.1 },
        'crm.item.batchImport': { fastSeconds: 8.1, totalSeconds: 8.1, callCostSeconds: 2 },
      }),
    );

    // Below the slow-down share first: 100 + 200 + 80 (four whole imports of 20); then up to the limit.
    expect(counts(routes)).toEqual({ 'crm.deal.add': 220, 'crm.item.add': 200, 'crm.item.batchImport': 80 });
    expect(routes.slice(0, 100).every((method) => method === 'crm.deal.add')).toBe(true);
    expect(routes.slice(100, 300).every((method) => method === 'crm.item.add')).toBe(true);
  });

  it('costs a method that never answered like the dearest known create, and everything free before any answer', () => {
    const known = routeCreates(
      100,
      ALL,
      capacities({
        'crm.deal.add': { fastSeconds: 0, totalSeconds: 0, callCostSeconds: 0.5 },
        'crm.item.add': { fastSeconds: 10, totalSeconds: 10, callCostSeconds: undefined },
        'crm.item.batchImport': { fastSeconds: 40, totalSeconds: 40, callCostSeconds: undefined },
      }),
    );
    expect(counts(known)).toEqual({ 'crm.item.add': 20, 'crm.item.batchImport': 80 });

    expect(counts(routeCreates(100, ALL, capacities({})))).toEqual({ 'crm.deal.add': 100 });
  });

  it('sends what no budget pays for to the preferred method (its calls wait in the gate), in the given order', () => {
    const spent = { fastSeconds: 0, totalSeconds: 0, callCostSeconds: 0.1 };
    const routes = routeCreates(
      30,
      ['crm.item.add', 'crm.deal.add'],
      capacities({
        'crm.deal.add': spent,
        'crm.item.add': spent,
      }),
    );

    expect(counts(routes)).toEqual({ 'crm.item.add': 30 });
  });

  it('pays a batchImport call whole, so a budget for 1.5 calls takes 20 deals', () => {
    const routes = routeCreates(
      50,
      ['crm.item.batchImport', 'crm.deal.add'],
      capacities({
        'crm.item.batchImport': { fastSeconds: 3, totalSeconds: 3, callCostSeconds: 2 },
        'crm.deal.add': { fastSeconds: 100, totalSeconds: 100, callCostSeconds: 0.1 },
      }),
    );

    expect(counts(routes)).toEqual({ 'crm.item.batchImport': 20, 'crm.deal.add': 30 });
  });
});
