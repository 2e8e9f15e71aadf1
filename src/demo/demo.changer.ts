import type { Logger } from 'pino';
import { describeChange, planChanges, type DemoChange, type OrderEdit } from './demo-changes.js';
import type { DemoErpDatabase } from './demo-erp.database.js';
import type { DemoOrder } from './demo-orders.js';
import type { Random } from './demo-random.js';

export interface DemoChangerOptions {
  /** Time between two rounds of changes. @default 20_000 */
  readonly everyMs?: number;
  /** @default Math.random */
  readonly random?: Random;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

const SAMPLE_SIZE = 6;
export const DEFAULT_CHANGE_EVERY_MS = 20_000;

/** Plays the ERP's users: every ~20 s a few demo orders change, so each scheduled run has work to show. */
export class DemoChanger {
  private readonly everyMs: number;
  private readonly random: Random;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly erp: DemoErpDatabase,
    private readonly logger: Logger,
    options: DemoChangerOptions = {},
  ) {
    this.everyMs = options.everyMs ?? DEFAULT_CHANGE_EVERY_MS;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Waits for a round in progress, so nothing writes to the ERP database once this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
  }

  /** One round: read a few orders, decide, write in one transaction, say what changed. */
  async changeOnce(): Promise<DemoChange[]> {
    const [sample, broken, orderCount, nextNumber] = await Promise.all([
      this.erp.sampleOrders(SAMPLE_SIZE),
      this.erp.brokenOrders(),
      this.erp.countOrders(),
      this.erp.nextOrderNumber(),
    ]);
    const today = this.now().toISOString().slice(0, 10);
    const changes = planChanges({ sample, broken, orderCount, nextNumber, today }, this.random);
    const edits = changes.filter((change): change is OrderEdit => change.kind === 'edit');
    const inserts = changes.flatMap((change): DemoOrder[] =>
      change.kind === 'insert' ? [change.order] : [],
    );
    await this.erp.apply(
      edits.map((edit) => ({ id: edit.order.id, field: edit.field, to: edit.to })),
      inserts,
    );
    if (changes.length > 0) {
      this.logger.info(`ERP edited: ${changes.map(describeChange).join('; ')}`);
    }
    return changes;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.ticking = this.changeOnce()
        .catch((error: unknown) => this.logger.warn(`ERP edit skipped: ${(error as Error).message}`))
        .finally(() => {
          this.ticking = undefined;
          if (!this.stopped) {
            this.schedule();
          }
        });
    }, this.everyMs);
    this.timer.unref();
  }
}
