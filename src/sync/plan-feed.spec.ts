import { describe, expect, it } from '@jest/globals';
import { PlanFeed } from './plan-feed.js';

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe(PlanFeed.name, () => {
  it('keeps a waiter waiting until the next page is planned', async () => {
    const feed = new PlanFeed();
    const waiting = feed.changedSince(feed.version);

    expect(await settled(waiting)).toBe(false);
    feed.planned();
    expect(await settled(waiting)).toBe(true);
  });

  it('does not lose a page planned between reading the version and waiting', async () => {
    const feed = new PlanFeed();
    const seen = feed.version;
    feed.planned();

    expect(await settled(feed.changedSince(seen))).toBe(true);
  });

  it('releases every waiter when planning is over, and waits no more after', async () => {
    const feed = new PlanFeed();
    const first = feed.changedSince(feed.version);
    const second = feed.changedSince(feed.version);

    feed.close();

    expect([await settled(first), await settled(second)]).toEqual([true, true]);
    expect(await settled(feed.changedSince(feed.version))).toBe(true);
    expect(feed.closed).toBe(true);
  });
});
