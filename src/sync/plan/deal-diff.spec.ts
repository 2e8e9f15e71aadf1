import { describe, expect, it } from '@jest/globals';
import type { ErpValue } from '../../erp/erp-row.js';
import { mapRow } from '../mapping/deal-mapping.js';
import { compileMapping, type CompiledMapping } from '../mapping/mapping-compiler.js';
import { hashPayload } from '../mapping/payload-hash.js';
import { dealLink, erpRow, mappingWith } from '../../../test/support/sync.factory.js';
import { ChangeKind, type DealLinkState, type LiveDeal } from './deal-change.js';
import { diffDeals, diffRow, prepareRow } from './deal-diff.js';

const NOW = new Date('2024-06-01T12:00:00Z');
const EARLIER = new Date('2024-06-01T11:59:00Z');
const LATER = new Date('2024-06-01T12:01:00Z');

function ordersMapping(deletePolicy: 'ignore' | 'close' | 'delete' = 'close'): CompiledMapping {
  return compileMapping(
    mappingWith(
      {
        TITLE: { column: 'name' },
        OPPORTUNITY: { column: 'amount', type: 'money' },
        BEGINDATE: { column: 'ordered_on', type: 'date' },
        STAGE_ID: { column: 'state', map: { draft: 'NEW', done: 'WON' } },
        COMMENTS: { column: 'note', ownership: 'fillEmpty' },
        UF_CRM_CHANNEL: { column: 'channel', ownership: 'createOnly' },
      },
      { delete: deletePolicy === 'close' ? { policy: 'close', stage: 'LOSE' } : { policy: deletePolicy } },
    ),
  );
}

const mapping = ordersMapping();

const ORDER: Record<string, ErpValue> = {
  name: 'SO-7',
  amount: '1000.5',
  ordered_on: '2024-05-30',
  state: 'draft',
  note: 'call first',
  channel: 'web',
};

const row = (values: Record<string, ErpValue> = {}) => erpRow({ ...ORDER, ...values }, '7');

/** A link holding what was last pushed for `values`. */
function pushed(
  values: Record<string, ErpValue> = {},
  overrides: Partial<DealLinkState> = {},
): DealLinkState {
  const mapped = mapRow(mapping, row(values));
  if (!mapped.ok) {
    throw new Error(mapped.error.message);
  }
  return dealLink({
    payload: mapped.payload,
    payloadHash: hashPayload(mapped.payload, mapping.fieldTypes),
    ...overrides,
  });
}

const diff = (values: Record<string, ErpValue>, link: DealLinkState | null, live?: LiveDeal | null) =>
  diffRow(mapping, { row: row(values), link, live }, NOW);

describe(diffRow.name, () => {
  it('creates a deal for a new key with every field, whatever its ownership, an empty one as ""', () => {
    const change = diff({ note: null }, null);

    expect(change).toMatchObject({
      kind: ChangeKind.Create,
      erpKey: '7',
      reason: 'new',
      retry: false,
      fields: {
        TITLE: 'SO-7',
        OPPORTUNITY: '1000.50',
        BEGINDATE: '2024-05-30',
        STAGE_ID: 'NEW',
        UF_CRM_CHANNEL: 'web',
        ORIGINATOR_ID: 'erp',
        ORIGIN_ID: '7',
        CATEGORY_ID: 0,
      },
      changes: { OPPORTUNITY: { old: null, new: '1000.50' } },
    });
    // Sent empty, so the portal keeps it empty instead of filling a default (CLOSEDATE = today + 7).
    expect(change.kind === ChangeKind.Create && change.fields).toHaveProperty('COMMENTS', '');
    expect(change.kind === ChangeKind.Create && change.changes).not.toHaveProperty('COMMENTS');
    expect(change.kind === ChangeKind.Create && change.payload).toHaveProperty('COMMENTS', null);
  });

  it('skips rows whose mapped fields are unchanged, with nothing to store', () => {
    expect(diff({}, pushed())).toEqual({
      kind: ChangeKind.Unchanged,
      erpKey: '7',
      dealId: 1001,
      refresh: null,
    });
  });

  it('updates only the changed fields, old from the last pushed payload', () => {
    const change = diff({ amount: '1200', state: 'done' }, pushed());

    expect(change).toMatchObject({
      kind: ChangeKind.Update,
      dealId: 1001,
      reason: 'changed',
      retry: false,
      fields: { OPPORTUNITY: '1200.00', STAGE_ID: 'WON' },
      changes: { OPPORTUNITY: { old: '1000.50', new: '1200.00' }, STAGE_ID: { old: 'NEW', new: 'WON' } },
    });
    expect(change.kind === ChangeKind.Update && Object.keys(change.fields)).toHaveLength(2);
  });

  it('clears an emptied ERP-owned field with an empty string', () => {
    expect(diff({ name: null }, pushed())).toMatchObject({
      kind: ChangeKind.Update,
      fields: { TITLE: '' },
      changes: { TITLE: { old: 'SO-7', new: null } },
    });
  });

  it.each<[string, Record<string, ErpValue>]>([
    ['a create-only field changed', { channel: 'phone' }],
    ['a fill-empty field changed and no live values', { note: 'call after 5' }],
  ])('makes no call when only %s, but stores the new hash', (_name, values) => {
    const change = diff(values, pushed());

    expect(change).toMatchObject({ kind: ChangeKind.Unchanged, refresh: { payload: expect.anything() } });
    expect(change.kind === ChangeKind.Unchanged && change.refresh?.payloadHash).not.toBe(
      pushed().payloadHash,
    );
  });

  it('compares in Bitrix24 terms: a pushed "1000.5" or shifted-midnight date is no change', () => {
    const link = pushed({}, { payloadHash: 'hash-of-an-older-format' });
    const older = {
      ...link,
      payload: { ...link.payload, OPPORTUNITY: 1000.5, BEGINDATE: '2024-05-30T02:00:00+02:00' },
    };

    expect(diff({}, older)).toMatchObject({
      kind: ChangeKind.Unchanged,
      refresh: { payloadHash: pushed().payloadHash },
    });
  });

  describe('with live values from Bitrix24', () => {
    const live: LiveDeal = {
      ID: '1001',
      TITLE: 'SO-7',
      OPPORTUNITY: '1000.50',
      BEGINDATE: '2024-05-30T02:00:00+02:00',
      STAGE_ID: 'NEW',
      COMMENTS: null,
      UF_CRM_CHANNEL: 'web',
      ORIGINATOR_ID: 'erp',
      ORIGIN_ID: '7',
      CATEGORY_ID: '0',
    };

    it('reads a deal that matches as unchanged even with the shifted date format', () => {
      expect(diff({ note: null }, pushed({ note: null }), live)).toEqual({
        kind: ChangeKind.Unchanged,
        erpKey: '7',
        dealId: 1001,
        refresh: null,
      });
    });

    it('pushes an ERP-owned field edited by hand, old from the live value', () => {
      expect(diff({ note: null }, pushed({ note: null }), { ...live, TITLE: 'edited in CRM' })).toMatchObject(
        {
          kind: ChangeKind.Update,
          reason: 'drift',
          fields: { TITLE: 'SO-7' },
          changes: { TITLE: { old: 'edited in CRM', new: 'SO-7' } },
        },
      );
    });

    it('records a hand-typed NUL byte in the old value as U+FFFD, so the operation can be stored', () => {
      expect(diff({ note: null }, pushed({ note: null }), { ...live, TITLE: 'SO\u00007' })).toMatchObject({
        kind: ChangeKind.Update,
        fields: { TITLE: 'SO-7' },
        changes: { TITLE: { old: 'SO\ufffd7', new: 'SO-7' } },
      });
    });

    it('fills an empty fill-empty field', () => {
      expect(diff({}, pushed(), live)).toMatchObject({
        kind: ChangeKind.Update,
        fields: { COMMENTS: 'call first' },
        changes: { COMMENTS: { old: null, new: 'call first' } },
      });
    });

    it('leaves a filled fill-empty field and a changed create-only field alone', () => {
      const change = diff({ channel: 'phone' }, pushed(), { ...live, COMMENTS: 'typed by a manager' });

      expect(change).toMatchObject({ kind: ChangeKind.Unchanged, refresh: expect.anything() });
    });

    it('falls back to the pushed value for a field the live read did not select', () => {
      const { TITLE: _title, ...withoutTitle } = live;

      expect(diff({ note: null, name: 'SO-7b' }, pushed({ note: null }), withoutTitle)).toMatchObject({
        kind: ChangeKind.Update,
        changes: { TITLE: { old: 'SO-7', new: 'SO-7b' } },
      });
    });

    it('re-creates a deal missing from Bitrix24', () => {
      expect(diff({}, pushed(), null)).toMatchObject({ kind: ChangeKind.Create, reason: 'missing_in_crm' });
    });
  });

  describe('failed and parked links', () => {
    it('retries a failed create once its retry time has passed', () => {
      const link = dealLink({ dealId: null, failedAttempts: 2, retryAt: EARLIER });

      expect(diff({}, link)).toMatchObject({ kind: ChangeKind.Create, reason: 'new', retry: true });
    });

    it('retries a failed update whose row did not change since the failure', () => {
      const link = pushed({}, { failedAttempts: 1, retryAt: EARLIER });

      expect(diff({ amount: '5' }, link)).toMatchObject({
        kind: ChangeKind.Update,
        retry: true,
        fields: { OPPORTUNITY: '5.00' },
      });
    });

    it('treats a missing retry time as due', () => {
      expect(diff({ amount: '5' }, pushed({}, { failedAttempts: 1 }))).toMatchObject({
        kind: ChangeKind.Update,
        retry: true,
      });
    });

    it('clears the failure without a call when the row is back to what was pushed', () => {
      expect(diff({}, pushed({}, { failedAttempts: 3, retryAt: EARLIER }))).toMatchObject({
        kind: ChangeKind.Unchanged,
        refresh: { payloadHash: pushed().payloadHash },
      });
    });

    it('waits for the retry time of a failing link, even when the row changed', () => {
      expect(diff({ amount: '5' }, pushed({}, { failedAttempts: 1, retryAt: LATER }))).toEqual({
        kind: ChangeKind.Deferred,
        erpKey: '7',
        reason: 'backoff',
        retryAt: LATER,
      });
    });

    it('leaves parked links to an operator', () => {
      const link = pushed({}, { failedAttempts: 5, retryAt: EARLIER, parked: true });

      expect(diff({ amount: '5' }, link)).toMatchObject({ kind: ChangeKind.Deferred, reason: 'parked' });
    });

    it.each<[string, Partial<DealLinkState>]>([
      ['backing off', { failedAttempts: 2, retryAt: LATER }],
      ['parked', { failedAttempts: 5, retryAt: LATER, parked: true }],
    ])('goes ahead at once when a row that failed only to map (%s) maps again', (_name, state) => {
      const link = pushed({}, { ...state, lastError: 'MAPPING_INVALID_MONEY: OPPORTUNITY (money): …' });

      expect(diff({ amount: '5' }, link)).toMatchObject({ kind: ChangeKind.Update, retry: true });
    });

    it('keeps backing off a row whose last failure came from Bitrix24', () => {
      const link = pushed(
        {},
        { failedAttempts: 2, retryAt: LATER, lastError: 'QUERY_LIMIT_EXCEEDED: too many' },
      );

      expect(diff({ amount: '5' }, link)).toMatchObject({ kind: ChangeKind.Deferred, reason: 'backoff' });
    });

    it('fails a row that does not map, whatever its link, at no cost', () => {
      const change = diff({ amount: 'n/a' }, pushed({}, { parked: true }));

      expect(change).toMatchObject({
        kind: ChangeKind.Failed,
        erpKey: '7',
        error: { code: 'MAPPING_INVALID_MONEY' },
      });
    });
  });

  describe('removed links whose row reappears', () => {
    it('reopens a closed deal by writing every ERP-owned field', () => {
      const link = pushed({}, { removed: true });
      const change = diff({}, link);

      expect(change).toMatchObject({ kind: ChangeKind.Update, dealId: 1001, reason: 'reappeared' });
      expect(change.kind === ChangeKind.Update && Object.keys(change.fields).sort()).toEqual([
        'BEGINDATE',
        'OPPORTUNITY',
        'ORIGINATOR_ID',
        'ORIGIN_ID',
        'STAGE_ID',
        'TITLE',
      ]);
    });

    it('re-creates a deleted deal (link without a deal id)', () => {
      expect(diff({}, pushed({}, { removed: true, dealId: null }))).toMatchObject({
        kind: ChangeKind.Create,
        reason: 'reappeared',
      });
    });

    it('re-creates under the delete policy even if the link kept its deal id', () => {
      const change = diffRow(
        ordersMapping('delete'),
        { row: row(), link: pushed({}, { removed: true }) },
        NOW,
      );

      expect(change).toMatchObject({ kind: ChangeKind.Create, reason: 'reappeared' });
    });
  });

  it('never writes CATEGORY_ID on update, but follows a new originator id', () => {
    const moved = compileMapping(
      mappingWith({ TITLE: { column: 'name' } }, { target: { originatorId: 'erp2', categoryId: 3 } }),
    );
    const link = dealLink({
      payload: { TITLE: 'SO-7', ORIGINATOR_ID: 'erp', ORIGIN_ID: '7', CATEGORY_ID: 0 },
      payloadHash: 'x',
    });
    const change = diffRow(moved, { row: row(), link }, NOW);

    expect(change).toMatchObject({ kind: ChangeKind.Update, fields: { ORIGINATOR_ID: 'erp2' } });
    expect(change.kind === ChangeKind.Update && change.fields).not.toHaveProperty('CATEGORY_ID');
  });
});

describe(diffDeals.name, () => {
  it('diffs a page in order', () => {
    const changes = diffDeals(
      mapping,
      [erpRow({ ...ORDER }, '1'), row(), erpRow({ ...ORDER, amount: 'x' }, '3')].map((page) =>
        prepareRow(mapping, page),
      ),
      new Map([['7', pushed()]]),
      NOW,
    );

    expect(changes.map((change) => [change.erpKey, change.kind])).toEqual([
      ['1', ChangeKind.Create],
      ['7', ChangeKind.Unchanged],
      ['3', ChangeKind.Failed],
    ]);
  });

  it('needs no pushed payload for a row whose hash matches its link (the lookup leaves it out)', () => {
    const [change] = diffDeals(
      mapping,
      [prepareRow(mapping, row())],
      new Map([['7', pushed({}, { payload: null })]]),
      NOW,
    );

    expect(change).toMatchObject({ kind: ChangeKind.Unchanged, dealId: pushed().dealId, refresh: null });
  });
});
