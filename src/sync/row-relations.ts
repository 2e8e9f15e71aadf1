import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ErpRowReader } from '../erp/erp-row.reader.js';
import type { ErpRow, ErpValue } from '../erp/erp-row.js';
import { InjectErpReader } from '../erp/erp.module.js';
import { DealLinkRepository, type LinkState } from '../persistence/deal-link.repository.js';
import { RunMode, RunStatus, RunTrigger } from '../persistence/entities/sync-run.entity.js';
import { InvalidValue } from './mapping/mapped-payload.js';
import type { CompiledMapping } from './mapping/mapping-compiler.js';
import type { ParentId, ParentIds, Related } from './mapping/parent-ids.js';
import type { ProductLines } from './mapping/product-rows.js';
import { runPrefix, type RunContext } from './run-context.js';
import type { SyncService } from './sync.service.js';

/**
 * The SyncService, looked up when a run needs it: it runs the executor that runs this class, so it cannot be a
 * constructor dependency (nor a runtime import) here.
 */
export const PARENT_RUNNER = Symbol('PARENT_RUNNER');
type ParentRunner = Pick<SyncService, 'runAndWait'>;

/**
 * What a page of rows relates to, read before the page is diffed. Product rows: the lines of exactly the page's
 * deals, by parent key (memory stays one page deep). Parents: resolves the parents a page of rows links to (`{ link: MAPPING, column: C }`) to their Bitrix24 IDs. A parent
 * not synced yet is synced first, in the same run: a run of the parent mapping for exactly those keys, under that
 * mapping's lock and lease, through its own planner and applier (so its create is exactly-once too). A child
 * therefore never points at a missing or wrong parent (DESIGN §6b).
 */
@Injectable()
export class RowRelations {
  constructor(
    @InjectErpReader() private readonly reader: ErpRowReader | null,
    private readonly links: DealLinkRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  async resolve(context: RunContext, rows: readonly ErpRow[]): Promise<Related> {
    const parents = await this.resolveParents(context, rows);
    const productRows = context.compiled.productRows;
    return productRows === undefined ? { parents } : { parents, lines: await this.readLines(context, rows) };
  }

  /** The page's deals' lines, by deal key, in the configured order. */
  private async readLines(context: RunContext, rows: readonly ErpRow[]): Promise<ProductLines> {
    const config = context.compiled.productRows;
    const lines = new Map<string, Array<Readonly<Record<string, ErpValue>>>>();
    if (config === undefined || rows.length === 0 || this.reader === null) {
      return lines;
    }
    const label = `mapping "${context.mapping.name}" productRows`;
    const keys = rows.map((row) => row.erpKey);
    for (const line of await this.reader.readChildren(label, config, keys)) {
      const key = String(line[config.parent]);
      const list = lines.get(key) ?? [];
      list.push(line);
      lines.set(key, list);
    }
    return lines;
  }

  private async resolveParents(context: RunContext, rows: readonly ErpRow[]): Promise<ParentIds> {
    const resolved = new Map<string, ReadonlyMap<string, ParentId>>();
    for (const [parent, keys] of parentKeysOf(context.compiled, rows)) {
      let links = await this.links.findByKeys(parent, keys);
      const missing = keys.filter((key) => !hasId(links.get(key)));
      if (missing.length > 0 && !context.run.dryRun) {
        await this.syncFirst(context, parent, missing);
        links = new Map([...links, ...(await this.links.findByKeys(parent, missing))]);
      }
      const dryRun = context.run.dryRun;
      resolved.set(parent, new Map(keys.map((key) => [key, parentIdOf(parent, links.get(key), dryRun)])));
    }
    return resolved;
  }

  /** A run of the parent mapping for these keys; a run-level failure there stops this run (an outage is not a row's fault). */
  private async syncFirst(context: RunContext, parent: string, keys: string[]): Promise<void> {
    context.logger.log(`${runPrefix(context.run)} syncing ${keys.length} parent(s) of ${parent} first`);
    const sync = this.moduleRef.get<ParentRunner>(PARENT_RUNNER, { strict: false });
    const run = await sync.runAndWait({
      mapping: parent,
      mode: RunMode.Incremental,
      erpKeys: keys,
      trigger: RunTrigger.Manual,
      requestedBy: `run ${context.run.id} of ${context.mapping.name}`,
    });
    context.lease.assertHeld();
    if (run.finishedAt === null || run.status === RunStatus.Failed || run.status === RunStatus.Cancelled) {
      const why = run.error === null ? run.status : `${run.status}: ${run.error}`;
      throw new Error(`the parents this run needs were not synced: run ${run.id} of ${parent} ${why}`);
    }
  }
}

/** Parent mapping → the distinct parent keys the rows name (NULL links name none). */
function parentKeysOf(mapping: CompiledMapping, rows: readonly ErpRow[]): Map<string, string[]> {
  const keys = new Map<string, Set<string>>();
  for (const field of mapping.links) {
    const parent = field.link as string;
    const set = keys.get(parent) ?? new Set<string>();
    keys.set(parent, set);
    for (const row of rows) {
      const key = field.evaluate(row.values);
      if (key !== null && !(key instanceof InvalidValue)) {
        set.add(String(key));
      }
    }
  }
  return new Map([...keys].filter(([, set]) => set.size > 0).map(([parent, set]) => [parent, [...set]]));
}

function hasId(link: LinkState | undefined): link is LinkState & { dealId: number } {
  return link !== undefined && link.dealId !== null && !link.removed;
}

function parentIdOf(parent: string, link: LinkState | undefined, dryRun: boolean): ParentId {
  if (hasId(link)) {
    return { id: link.dealId };
  }
  if (dryRun) {
    return { pending: true };
  }
  if (link?.lastError) {
    return { failed: link.parked ? `${link.lastError} (parked for an operator)` : link.lastError };
  }
  return {
    failed:
      link?.removed === true
        ? `its row is gone from the source of ${parent}`
        : `no row with this key in the source of ${parent}, or its create is not confirmed yet`,
  };
}
