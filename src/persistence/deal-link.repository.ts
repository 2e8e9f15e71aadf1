import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, IsNull, LessThanOrEqual, MoreThan, Not, type DataSource, type Repository } from 'typeorm';
import { DealLink } from './entities/deal-link.entity.js';
import { OperationStatus } from './entities/sync-operation.entity.js';

/** A link whose payload moved without anything Bitrix24 would see (no call needed). */
export interface LinkRefresh {
  readonly erpKey: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly payloadHash: string;
}

/** What planning reads of a link: enough to diff a row, nothing it would hydrate for nothing. */
export type LinkState = Pick<
  DealLink,
  | 'erpKey'
  | 'dealId'
  | 'payload'
  | 'payloadHash'
  | 'removed'
  | 'failedAttempts'
  | 'retryAt'
  | 'parked'
  | 'lastError'
>;

@Injectable()
export class DealLinkRepository {
  private readonly links: Repository<DealLink>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.links = dataSource.getRepository(DealLink);
  }

  /**
   * The links of these keys, keyed by ERP key. With `payloadHashes` (the hash each key's row maps to now, in the
   * same order), a link whose hash matches and that is neither removed nor failing comes without its payload:
   * such a row is unchanged by hash, and a no-op sweep reads 10^6 hashes instead of 10^6 JSON documents.
   * Raw SQL with array parameters: entity hydration of a sweep's links cost more than the query. One primary-key
   * probe per key (LATERAL … LIMIT 1): given `erp_key = ANY(…)` over thousands of keys, the planner's costs
   * chose a scan of every link of the mapping for each chunk, which made a sweep quadratic in the links.
   */
  async findByKeys(
    mapping: string,
    erpKeys: readonly string[],
    payloadHashes: readonly (string | null)[] = [],
  ): Promise<Map<string, LinkState>> {
    if (erpKeys.length === 0) {
      return new Map();
    }
    const rows: {
      erp_key: string;
      deal_id: number | null;
      payload: Record<string, unknown> | null;
      payload_hash: string | null;
      removed: boolean;
      failed_attempts: number;
      retry_at: Date | null;
      parked: boolean;
      last_error: string | null;
    }[] = await this.links.query(
      `SELECT link.*
         FROM unnest($2::text[], $3::text[]) AS wanted (erp_key, payload_hash)
        CROSS JOIN LATERAL (
              SELECT erp_key, deal_id, payload_hash, removed, failed_attempts, retry_at, parked, last_error,
                     CASE WHEN payload_hash = wanted.payload_hash AND NOT removed AND failed_attempts = 0
                          THEN NULL ELSE payload END AS payload
                FROM deal_link WHERE mapping = $1 AND erp_key = wanted.erp_key LIMIT 1) AS link`,
      [mapping, erpKeys, erpKeys.map((_, at) => payloadHashes[at] ?? null)],
    );
    return new Map(
      rows.map((row) => [
        row.erp_key,
        {
          erpKey: row.erp_key,
          dealId: row.deal_id,
          payload: row.payload,
          payloadHash: row.payload_hash,
          removed: row.removed,
          failedAttempts: row.failed_attempts,
          retryAt: row.retry_at,
          parked: row.parked,
          lastError: row.last_error,
        },
      ]),
    );
  }

  async findOne(mapping: string, erpKey: string): Promise<DealLink | null> {
    return this.links.findOneBy({ mapping, erpKey });
  }

  /** Whether any deal was ever confirmed for the mapping (false on a first sync, or after the state was lost). */
  async hasConfirmedDeals(mapping: string): Promise<boolean> {
    return this.links.existsBy({ mapping, dealId: Not(IsNull()) });
  }

  /** Keys of failed rows whose retry time has come (parked ones wait for an operator). */
  async keysDueForRetry(mapping: string, now: Date, limit: number): Promise<string[]> {
    const links = await this.links.find({
      select: { erpKey: true },
      where: { mapping, failedAttempts: MoreThan(0), parked: false, retryAt: LessThanOrEqual(now) },
      order: { retryAt: 'ASC' },
      take: limit,
    });
    return links.map((link) => link.erpKey);
  }

  /**
   * A full sweep records every key it reads (in `sync_sweep_key`, not on the links: unchanged links stay untouched);
   * the live links it did not record afterwards are the ERP's deletes.
   */
  async markSeen(erpKeys: readonly string[], runId: number): Promise<void> {
    if (erpKeys.length === 0) {
      return;
    }
    await this.links.query(
      `INSERT INTO sync_sweep_key (run_id, erp_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [runId, erpKeys],
    );
  }

  /** Drops the keys of sweep `runId` and of any sweep that is over (a crashed one's). */
  async forgetSweep(runId: number): Promise<void> {
    await this.links.query(
      `DELETE FROM sync_sweep_key
        WHERE run_id = $1 OR run_id NOT IN (SELECT id FROM sync_run WHERE status = 'running')`,
      [runId],
    );
  }

  /** Live links (a deal exists, not yet removed) that the sweep `runId` did not see, in key order. */
  async findUnseen(
    mapping: string,
    runId: number,
    afterKey: string | null,
    limit: number,
  ): Promise<DealLink[]> {
    const query = this.unseen(mapping, runId).orderBy('link.erp_key', 'ASC').limit(limit);
    if (afterKey !== null) {
      query.andWhere('link.erp_key > :afterKey', { afterKey });
    }
    return query.getMany();
  }

  async countUnseen(mapping: string, runId: number): Promise<number> {
    return this.unseen(mapping, runId).getCount();
  }

  private unseen(mapping: string, runId: number) {
    return this.links
      .createQueryBuilder('link')
      .where('link.mapping = :mapping AND link.deal_id IS NOT NULL AND NOT link.removed', { mapping })
      .andWhere(
        'NOT EXISTS (SELECT 1 FROM sync_sweep_key seen WHERE seen.run_id = :runId AND seen.erp_key = link.erp_key)',
        { runId },
      );
  }

  async findByDealIds(mapping: string, dealIds: readonly number[]): Promise<Map<number, DealLink>> {
    if (dealIds.length === 0) {
      return new Map();
    }
    const links = await this.links.findBy({ mapping, dealId: In([...dealIds]) });
    return new Map(links.map((link) => [link.dealId as number, link]));
  }

  /**
   * Set-based: one statement for a page's refreshed links, joined to them by primary-key probes (hash and merge
   * joins off for the statement: the planner's costs would scan every link of the mapping for each page).
   */
  async refresh(mapping: string, refreshes: readonly LinkRefresh[], now: Date): Promise<void> {
    if (refreshes.length === 0) {
      return;
    }
    await this.links.manager.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
      await manager.query(
        `UPDATE deal_link AS link
          SET payload = refreshed.payload, payload_hash = refreshed.payload_hash, removed = false,
              failed_attempts = 0, last_error = NULL, retry_at = NULL, parked = false, updated_at = $5
         FROM unnest($2::text[], $3::jsonb[], $4::text[]) AS refreshed (erp_key, payload, payload_hash)
        WHERE link.mapping = $1 AND link.erp_key = refreshed.erp_key`,
        [
          mapping,
          refreshes.map((refresh) => refresh.erpKey),
          refreshes.map((refresh) => JSON.stringify(refresh.payload)),
          refreshes.map((refresh) => refresh.payloadHash),
          now,
        ],
      );
    });
  }

  /** Links a deal found in Bitrix24 (ours by ORIGINATOR_ID/ORIGIN_ID) to its key; its payload is unknown yet. */
  async adopt(mapping: string, erpKey: string, dealId: number, now: Date): Promise<void> {
    await this.links.query(
      `INSERT INTO deal_link (mapping, erp_key, deal_id, synced_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (mapping, erp_key) DO UPDATE SET deal_id = EXCLUDED.deal_id, removed = false, updated_at = $4`,
      [mapping, erpKey, dealId, now],
    );
  }

  /** Un-parks these keys and makes them due now: an operator's retry of chosen rows (one statement, any number). */
  async releaseKeysForRetry(mapping: string, erpKeys: readonly string[], now: Date): Promise<void> {
    await this.links.query(
      `UPDATE deal_link SET parked = false, failed_attempts = 1, retry_at = $3, updated_at = $3
        WHERE mapping = $1 AND failed_attempts > 0 AND erp_key = ANY($2::text[])`,
      [mapping, erpKeys, now],
    );
  }

  /**
   * Un-parks the keys that failed in run `runId` and makes them due now: an operator's retry. One statement
   * whatever their number (a key list as bind parameters breaks above 65,535 keys).
   */
  async releaseForRetry(mapping: string, runId: number, now: Date): Promise<void> {
    await this.links.query(
      `UPDATE deal_link SET parked = false, failed_attempts = 1, retry_at = $3, updated_at = $3
        WHERE mapping = $1 AND failed_attempts > 0
          AND erp_key IN (SELECT erp_key FROM sync_operation
                           WHERE run_id = $2 AND status IN ('${OperationStatus.Failed}', '${OperationStatus.Parked}'))`,
      [mapping, runId, now],
    );
  }

  /**
   * Live links whose deal id lies in (after, upTo] (upTo null: no upper end) and is none of `present`, in
   * deal-id order: reconcile's deals missing in Bitrix24, one page of the portal's ID range at a time.
   */
  async findLiveMissing(
    mapping: string,
    range: { readonly after: number; readonly upTo: number | null; readonly present: readonly number[] },
    limit: number,
  ): Promise<DealLink[]> {
    const query = this.links
      .createQueryBuilder('link')
      .where('link.mapping = :mapping AND NOT link.removed', { mapping })
      .andWhere('link.deal_id > :after', { after: range.after })
      .andWhere('link.deal_id <> ALL(CAST(:present AS integer[]))', { present: [...range.present] })
      .orderBy('link.deal_id', 'ASC')
      .limit(limit);
    if (range.upTo !== null) {
      query.andWhere('link.deal_id <= :upTo', { upTo: range.upTo });
    }
    return query.getMany();
  }
}
