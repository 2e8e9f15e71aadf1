/** Polling that follows the data without a reload: every `everyMs`, doubling after each failure up to `maxMs`. */
export interface LiveOptions {
  readonly everyMs: number;
  readonly maxMs: number;
}

export const LIVE: LiveOptions = { everyMs: 2000, maxMs: 30_000 };
/** The health overview reads the same backlog query as /metrics; a calmer pace keeps open tabs cheap. */
export const LIVE_OVERVIEW: LiveOptions = { everyMs: 5000, maxMs: 60_000 };

export class Live {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delay: number;
  private stopped = false;

  constructor(
    private readonly refresh: () => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
    private readonly options: LiveOptions = LIVE,
  ) {
    this.delay = options.everyMs;
  }

  /** `refresh` answers false when there is nothing more to follow (a run that finished). */
  start(): this {
    this.schedule();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), this.delay);
    }
  }

  private async tick(): Promise<void> {
    if (document.hidden) {
      this.schedule();
      return;
    }
    try {
      const more = await this.refresh();
      this.delay = this.options.everyMs;
      if (!more) {
        this.stop();
      }
    } catch (error) {
      this.delay = Math.min(this.options.maxMs, this.delay * 2);
      this.onError(error);
    }
    this.schedule();
  }
}
