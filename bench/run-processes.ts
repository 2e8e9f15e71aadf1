import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../src/emulator/index.js';
import {
  cliEnv,
  createDatabase,
  erpRowsRead,
  MAPPING,
  ratio,
  runCliMeasured,
  seedOrders,
  type CliFigures,
} from './run.bench.js';

/**
 * `run --processes N`: N mappings, each with an ERP database of its own, synced by N `run` processes started at
 * once against ONE emulator portal and ONE state database, so the portal's bucket is shared through PostgreSQL
 * (src/bitrix24/portal-budget.store.ts). Each process reports what it sent in its `--json` line; the emulator
 * counts what arrived.
 */

interface BucketRate {
  readonly drain: number;
  readonly capacity: number;
}

interface ProcessFigures extends CliFigures {
  readonly mapping: string;
  readonly requests: number;
  readonly rateLimited: number;
}

export async function measureProcesses(
  serverUrl: string,
  rows: number,
  processes: number,
  options: { rate: BucketRate; cost: number },
): Promise<void> {
  if (!Number.isInteger(processes) || processes < 1) {
    throw new Error(`--processes must be a whole number ≥ 1, not ${processes}`);
  }
  const { rate } = options;
  const state = await createDatabase(serverUrl, 'bench_state');
  const erps = await Promise.all(
    Array.from({ length: processes }, () => createDatabase(serverUrl, 'bench_erp')),
  );
  const emulator = await startEmulator({
    rateLimit: { drainPerSecond: rate.drain, capacity: rate.capacity },
    operating: { methodCostSeconds: { '*': options.cost } },
  });
  try {
    await Promise.all(erps.map((erp) => seedOrders(erp.url, rows)));
    const rateText = `${rate.drain}/${rate.capacity}`;
    const targets = erps.map((erp, index) => {
      const mapping = `${MAPPING}-${index + 1}`;
      return { mapping, env: ownMapping(cliEnv(state.url, erp.url, emulator, rateText), mapping) };
    });
    const readBefore = await Promise.all(erps.map((erp) => erpRowsRead(erp.url)));
    const before = emulator.stats();
    const started = performance.now();
    const startedAtMs = Date.now();
    const results = await Promise.all(
      targets.map(async ({ mapping, env }) => {
        const child = await runCliMeasured(['run', '--mapping', mapping, '--json'], env);
        if (child.code !== 0 && child.summary === null) {
          throw new Error(`${mapping} exited ${child.code}: ${child.stderr.slice(-2000)}`);
        }
        return {
          ...child,
          mapping,
          requests: Number(child.summary?.requests ?? NaN),
          rateLimited: Number(child.summary?.rateLimited ?? NaN),
        } satisfies ProcessFigures;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const after = emulator.stats();
    const first = emulator.requestLog()[0];
    const readAfter = await Promise.all(erps.map((erp) => erpRowsRead(erp.url)));
    const combined = {
      processes,
      rows: rows * processes,
      seconds,
      firstRequestSeconds: first ? (Date.parse(first.time) - startedAtMs) / 1000 : undefined,
      requests: after.requests - before.requests,
      limited: after.queryLimitExceeded - before.queryLimitExceeded,
      peakRequestsPerSecond: after.peakRequestsPerSecond,
      erpRowsRead: readAfter.reduce((total, read, index) => total + read - readBefore[index], 0),
    };
    for (const result of results) {
      printProcess(result, rows, rate);
    }
    printCombined(combined, rate);
    console.log(
      JSON.stringify({
        bench: 'run',
        rate: rateText,
        processes: results.map(({ stderr: _stderr, summary: _summary, ...figures }) => ({
          ...figures,
          rows,
        })),
        combined,
      }),
    );
  } finally {
    await emulator.close();
    await Promise.all(erps.map((erp) => erp.drop()));
    await state.drop();
  }
}

/** The bench's one-mapping file, renamed: a mapping name (its run lock) and ORIGINATOR_ID of its own. */
function ownMapping(env: Record<string, string>, mapping: string): Record<string, string> {
  const text = readFileSync(env.SYNC_CONFIG, 'utf8');
  const renamed = text
    .replace(`name: ${MAPPING}\n`, `name: ${mapping}\n`)
    .replace(/originatorId: \S+,/, `originatorId: ${mapping},`);
  if (!renamed.includes(`name: ${mapping}\n`) || !renamed.includes(`originatorId: ${mapping},`)) {
    throw new Error(`cannot rename the bench mapping in ${env.SYNC_CONFIG}`);
  }
  writeFileSync(env.SYNC_CONFIG, renamed);
  return env;
}

/** The leaky bucket's best time for `requests`: the burst leaves at once, the rest at the drain rate. */
function bucketBound(requests: number, rate: BucketRate): number {
  return Math.max(0, requests - rate.capacity) / rate.drain;
}

function printProcess(figures: ProcessFigures, rows: number, rate: BucketRate): void {
  console.log(
    [
      figures.mapping.padEnd(16),
      `${rows} rows`,
      `${figures.seconds.toFixed(1)} s`,
      `${figures.requests} requests sent`,
      `alone: bucket bound ${bucketBound(figures.requests, rate).toFixed(1)} s`,
      `${figures.rateLimited} × 503`,
      `peak RSS ${figures.peakRssMb.toFixed(0)} MB`,
      figures.status,
    ].join(' | '),
  );
}

function printCombined(
  figures: {
    processes: number;
    rows: number;
    seconds: number;
    firstRequestSeconds: number | undefined;
    requests: number;
    limited: number;
    peakRequestsPerSecond: number;
    erpRowsRead: number;
  },
  rate: BucketRate,
): void {
  const bound = bucketBound(figures.requests, rate);
  const push = figures.seconds - (figures.firstRequestSeconds ?? figures.seconds);
  console.log(
    [
      `combined (${figures.processes})`.padEnd(16),
      `${figures.rows} rows`,
      `${figures.seconds.toFixed(1)} s`,
      `first request ${figures.firstRequestSeconds === undefined ? 'none' : `${figures.firstRequestSeconds.toFixed(1)} s`}`,
      `${figures.requests} requests arrived`,
      `bucket bound ${bound.toFixed(1)} s, efficiency ${ratio(bound, figures.seconds)} (push ${ratio(bound, push)})`,
      `${figures.limited} × 503`,
      `peak ${figures.peakRequestsPerSecond} requests/s`,
      `ERP rows read ${figures.erpRowsRead}`,
    ].join(' | '),
  );
}
