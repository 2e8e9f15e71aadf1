import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { BucketLimits } from '../bitrix24/leaky-bucket.js';
import type { MethodOperating } from '../bitrix24/operating-budget.js';
import type {
  OperatingClaim,
  OperatingSettlement,
  PortalBudgetStore,
  SharedMethodBudget,
  SlotGrant,
  SlotRequest,
} from '../bitrix24/portal-budget.store.js';

/**
 * A process's claims count while it claimed within this long: one that died stops claiming, and its cost still out
 * stops counting (the cloud cuts requests at 60 s).
 */
const ABANDONED_CLAIM_MS = 90_000;

// The bucket drained to $2 (now, ms) at $3 requests per second, as in leaky-bucket.ts `levelAt`.
const DRAINED = `GREATEST(0, b.level - GREATEST(0, $2 - b.level_at_ms) / 1000.0 * $3)`;
// Whole requests that fit under the ceiling ($4), at most the slots asked for ($5); none while paused.
const GRANTED = `CASE WHEN b.paused_until_ms > $2 THEN 0
  ELSE GREATEST(0, LEAST($5, floor($4 - ${DRAINED} + 1e-9)))::integer END`;

// The answer being stored (EXCLUDED) is newer than the stored one (m).
const NEWER = `(NOT m.observed
  OR COALESCE(EXCLUDED.portal_at, '-infinity'::float8) > COALESCE(m.portal_at, '-infinity'::float8))`;

interface BucketRow {
  last_granted: number;
  level: number;
  level_at_ms: number;
  paused_until_ms: number;
}

interface MethodRow {
  method: string;
  observed: boolean;
  operating_seconds: number;
  reset_at_ms: number | null;
  call_cost_seconds: number;
  blocked_until_ms: number | null;
  portal_at: number | null;
  in_flight_seconds: number;
  in_flight_calls: number;
}

/**
 * The portal budget in `portal_budget` / `portal_method_budget`, shared by every replica and CLI
 * process on the state database. Each step is one statement on one row per portal (plus one per
 * method), atomic under PostgreSQL's row lock: no transaction, no advisory lock. Method rows are always
 * taken in method order so that two processes never deadlock.
 */
@Injectable()
export class PortalBudgetRepository implements PortalBudgetStore {
  /** This process's name on its claims. */
  private readonly owner = randomUUID();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async takeSlots(request: SlotRequest): Promise<SlotGrant> {
    const { portal, nowMs, limits, ceiling, slots } = request;
    const firstGrant = Math.max(0, Math.min(slots, Math.floor(ceiling + 1e-9)));
    const [row] = await this.dataSource.query<BucketRow[]>(
      `INSERT INTO portal_budget AS b (portal, level, level_at_ms, last_granted)
       VALUES ($1, $6, $2, $7)
       ON CONFLICT (portal) DO UPDATE SET
         last_granted = ${GRANTED},
         level = ${DRAINED} + ${GRANTED},
         level_at_ms = GREATEST(b.level_at_ms, $2)
       RETURNING last_granted, level, level_at_ms, paused_until_ms`,
      [portal, nowMs, limits.drainPerSecond, ceiling, slots, firstGrant, firstGrant],
    );
    return {
      granted: row.last_granted,
      bucket: { level: row.level, atMs: row.level_at_ms },
      pausedUntilMs: row.paused_until_ms,
    };
  }

  async recordRejection(
    portal: string,
    limits: BucketLimits,
    nowMs: number,
    pausedUntilMs: number,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO portal_budget AS b (portal, level, level_at_ms, paused_until_ms)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (portal) DO UPDATE SET
         level = $2,
         level_at_ms = GREATEST(b.level_at_ms, $3),
         paused_until_ms = GREATEST(b.paused_until_ms, $4)`,
      [portal, limits.capacity, nowMs, pausedUntilMs],
    );
  }

  /**
   * Adds this process's claim to its own row, then reads every live process's cost still out. Two statements:
   * two processes claiming at once see at least one of them the other's claim, so never both miss each other.
   */
  async claimOperating(
    portal: string,
    claims: readonly OperatingClaim[],
    nowMs: number,
  ): Promise<SharedMethodBudget[]> {
    const sorted = [...claims].sort((a, b) => a.method.localeCompare(b.method));
    const methods = sorted.map((claim) => claim.method);
    await this.dataSource.query(
      `INSERT INTO portal_method_claim AS c (portal, method, owner, in_flight_seconds, in_flight_calls, claimed_at_ms)
       SELECT $1, u.method, $5, u.seconds, u.calls, $6
         FROM unnest($2::text[], $3::float8[], $4::integer[]) WITH ORDINALITY AS u(method, seconds, calls, n)
        ORDER BY u.n
       ON CONFLICT (portal, method, owner) DO UPDATE SET
         in_flight_seconds = c.in_flight_seconds + EXCLUDED.in_flight_seconds,
         in_flight_calls = c.in_flight_calls + EXCLUDED.in_flight_calls,
         claimed_at_ms = GREATEST(c.claimed_at_ms, EXCLUDED.claimed_at_ms)`,
      [
        portal,
        methods,
        sorted.map((claim) => claim.seconds),
        sorted.map((claim) => claim.calls),
        this.owner,
        nowMs,
      ],
    );
    const rows = await this.dataSource.query<MethodRow[]>(
      `SELECT u.method, COALESCE(m.observed, false) AS observed, COALESCE(m.operating_seconds, 0) AS operating_seconds,
              m.reset_at_ms, COALESCE(m.call_cost_seconds, 0) AS call_cost_seconds, m.blocked_until_ms, m.portal_at,
              COALESCE(out.seconds, 0) AS in_flight_seconds, COALESCE(out.calls, 0)::integer AS in_flight_calls
         FROM unnest($2::text[]) AS u(method)
         LEFT JOIN portal_method_budget m ON m.portal = $1 AND m.method = u.method
         LEFT JOIN LATERAL (
           SELECT sum(c.in_flight_seconds) AS seconds, sum(c.in_flight_calls) AS calls FROM portal_method_claim c
            WHERE c.portal = $1 AND c.method = u.method AND c.claimed_at_ms >= $3::float8 - $4::float8
         ) AS out ON true`,
      [portal, methods, nowMs, ABANDONED_CLAIM_MS],
    );
    const byMethod = new Map(rows.map((row) => [row.method, toShared(row)]));
    return claims.map((claim) => byMethod.get(claim.method) ?? unclaimed(claim.method));
  }

  /** The newer answer (portal time) wins, as in portal-budget.store.ts `mergeOperating`; a block only extends. */
  async settleOperating(portal: string, settlements: readonly OperatingSettlement[]): Promise<void> {
    if (settlements.length === 0) {
      return;
    }
    const sorted = [...settlements].sort((a, b) => a.method.localeCompare(b.method));
    await this.dataSource.query(
      `UPDATE portal_method_claim c SET
         in_flight_seconds = GREATEST(0, c.in_flight_seconds - u.seconds),
         in_flight_calls = GREATEST(0, c.in_flight_calls - u.calls)
         FROM unnest($2::text[], $3::float8[], $4::integer[]) AS u(method, seconds, calls)
        WHERE c.portal = $1 AND c.method = u.method AND c.owner = $5`,
      [
        portal,
        sorted.map((s) => s.method),
        sorted.map((s) => s.releasedSeconds),
        sorted.map((s) => s.releasedCalls),
        this.owner,
      ],
    );
    const answered = sorted.filter((s) => s.operating !== undefined);
    if (answered.length === 0) {
      return;
    }
    const column = <T>(pick: (operating: MethodOperating) => T) =>
      answered.map((s) => pick(s.operating as MethodOperating) ?? null);
    await this.dataSource.query(
      `INSERT INTO portal_method_budget AS m (portal, method, observed, operating_seconds, reset_at_ms,
                                              call_cost_seconds, blocked_until_ms, portal_at)
       SELECT $1, u.method, true, u.operating, u.reset_at, u.cost, u.blocked_until, u.portal_at
         FROM unnest($2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
              WITH ORDINALITY AS u(method, operating, reset_at, cost, blocked_until, portal_at, n)
        ORDER BY u.n
       ON CONFLICT (portal, method) DO UPDATE SET
         observed = true,
         operating_seconds = CASE WHEN ${NEWER} THEN EXCLUDED.operating_seconds ELSE m.operating_seconds END,
         reset_at_ms = CASE WHEN ${NEWER} THEN EXCLUDED.reset_at_ms ELSE m.reset_at_ms END,
         call_cost_seconds = CASE WHEN ${NEWER} THEN EXCLUDED.call_cost_seconds ELSE m.call_cost_seconds END,
         portal_at = CASE WHEN ${NEWER} THEN EXCLUDED.portal_at ELSE m.portal_at END,
         blocked_until_ms = GREATEST(m.blocked_until_ms, EXCLUDED.blocked_until_ms)`,
      [
        portal,
        answered.map((s) => s.method),
        column((o) => o.operatingSeconds),
        column((o) => o.resetAtMs),
        column((o) => o.callCostSeconds),
        column((o) => o.blockedUntilMs),
        column((o) => o.portalAt),
      ],
    );
  }
}

function toShared(row: MethodRow): SharedMethodBudget {
  return {
    method: row.method,
    operating: row.observed
      ? {
          operatingSeconds: row.operating_seconds,
          resetAtMs: row.reset_at_ms ?? undefined,
          callCostSeconds: row.call_cost_seconds,
          blockedUntilMs: row.blocked_until_ms ?? undefined,
          portalAt: row.portal_at ?? undefined,
        }
      : undefined,
    inFlightSeconds: row.in_flight_seconds,
    inFlightCalls: row.in_flight_calls,
  };
}

function unclaimed(method: string): SharedMethodBudget {
  return { method, operating: undefined, inFlightSeconds: 0, inFlightCalls: 0 };
}
