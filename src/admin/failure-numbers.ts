/** What numbering needs from a timeline entry. */
export interface TimelineStep {
  readonly status: string;
  readonly dryRun: boolean;
}

/**
 * Numbers each failure as the backoff counts it (deal_link.failed_attempts): consecutive failures of real runs,
 * reset by a success. Dry runs never touch the link, so they are neither counted nor numbered.
 * `steps` are newest first (the timeline's order); the answer is in the same order.
 */
export function numberFailures(steps: readonly TimelineStep[]): (number | null)[] {
  let count = 0;
  const numbers = [...steps].reverse().map((step) => {
    if (step.dryRun) {
      return null;
    }
    if (step.status === 'failed' || step.status === 'parked') {
      count += 1;
      return count;
    }
    if (step.status === 'succeeded') {
      count = 0;
    }
    return null;
  });
  return numbers.reverse();
}
