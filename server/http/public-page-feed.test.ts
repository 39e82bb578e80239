/**
 * The public page invalidation feed against real Redis (and the cluster, see vitest.cluster.config.ts): what one
 * process publishes reaches every other process's reader exactly once, and a reader that may have missed entries
 * drops everything. Other test files publish to the same stream, so each test looks only at its own tags.
 */
import { randomUUID } from "node:crypto";

import { afterEach, describe, expect, it } from "vitest";

import {
  createPublicPageFeedReader,
  createPublicPageInvalidator,
  followPublicPageFeed,
  publicPageFeedKey,
  publishPublicPageInvalidation,
} from "~/server/http/public-page-feed.ts";
import { publicPageOrigin } from "~/server/http/public-page-registry.ts";
import { redis } from "~/server/redis.ts";

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

/** A reader as another instance would run it, recording what it was told to drop. */
function instance(origin = `test-${randomUUID()}`) {
  const dropped: string[][] = [];
  let everything = 0;
  const reader = createPublicPageFeedReader({ redis, origin, onTags: (tags) => void dropped.push([...tags]), onEverything: () => void (everything += 1) });
  return { origin, reader, dropped, everythingCount: () => everything };
}

const uniqueTag = () => `product:${Math.floor(Math.random() * 1e9)}-${randomUUID().slice(0, 8)}`;
const mine = (dropped: string[][], tags: Set<string>) => dropped.filter((list) => list.some((tag) => tags.has(tag)));

describe("public page feed", () => {
  it("tells every other instance what a write dropped, once, and not the instance that wrote it", async () => {
    const writer = instance();
    const others = [instance(), instance()];
    for (const reader of [writer, ...others]) await reader.reader.poll();

    const tag = uniqueTag();
    await publishPublicPageInvalidation(redis, writer.origin, [tag, "catalog"]);
    for (const reader of [writer, ...others]) {
      await reader.reader.poll();
      await reader.reader.poll();
    }

    expect(mine(writer.dropped, new Set([tag]))).toEqual([]);
    for (const other of others) expect(mine(other.dropped, new Set([tag]))).toEqual([[tag, "catalog"]]);
  });

  it("starts from the present: a new instance does not replay old invalidations", async () => {
    const tag = uniqueTag();
    await publishPublicPageInvalidation(redis, "someone-else", [tag]);
    const late = instance();
    await late.reader.poll();
    await late.reader.poll();
    expect(mine(late.dropped, new Set([tag]))).toEqual([]);
  });

  it("delivers every one of many concurrent writes from many writers, across several polls", async () => {
    const reader = instance();
    await reader.reader.poll();
    const tags = Array.from({ length: 450 }, () => uniqueTag());
    await Promise.all(tags.map((tag, index) => publishPublicPageInvalidation(redis, `writer-${index % 7}`, [tag])));

    // A poll takes at most one batch; keep polling until nothing new arrives.
    for (let polls = 0; polls < 20; polls += 1) await reader.reader.poll();
    const received = mine(reader.dropped, new Set(tags)).flat();
    expect(received).toHaveLength(tags.length);
    expect(new Set(received)).toEqual(new Set(tags));
  });

  it("drops everything when the entry it read last is gone, then follows the new stream", async () => {
    const reader = instance();
    await reader.reader.poll();
    await publishPublicPageInvalidation(redis, "someone-else", [uniqueTag()]);
    await reader.reader.poll();
    expect(reader.everythingCount()).toBe(0);

    // What a FLUSHALL or a failover to a replica that had not seen the newest entries looks like to a reader.
    await redis.del(publicPageFeedKey());
    await reader.reader.poll();
    expect(reader.everythingCount()).toBe(1);

    const tag = uniqueTag();
    await publishPublicPageInvalidation(redis, "someone-else", [tag]);
    await reader.reader.poll();
    expect(mine(reader.dropped, new Set([tag]))).toEqual([[tag]]);
    expect(reader.everythingCount()).toBe(1);
  });

  it("deps.invalidatePublicPages publishes under this process's origin, and a follower on a timer applies it", async () => {
    const dropped: string[][] = [];
    let wholeDrops = 0;
    const follower = followPublicPageFeed({
      redis,
      origin: `test-${randomUUID()}`,
      cache: { invalidate: (tags) => void dropped.push([...tags]), invalidateAll: () => void (wholeDrops += 1) },
      intervalMs: 10,
    });
    stops.push(follower.stop);
    // The follower's first poll only finds where the stream ends: probe until it hears one.
    const probes = new Set<string>();
    await expect
      .poll(
        async () => {
          const probe = uniqueTag();
          probes.add(probe);
          await publishPublicPageInvalidation(redis, "prober", [probe]);
          return mine(dropped, probes).length > 0;
        },
        { timeout: 2_000, interval: 20 },
      )
      .toBe(true);

    const tag = uniqueTag();
    createPublicPageInvalidator(redis)([tag]);
    await expect.poll(() => mine(dropped, new Set([tag])), { timeout: 2_000, interval: 10 }).toEqual([[tag]]);

    const entries = await redis.xrevrange<{ origin: string; tags: string }>(publicPageFeedKey(), "+", "-", 50);
    const published = Object.values(entries).find((entry) => String(entry.tags) === tag);
    expect(published?.origin).toBe(publicPageOrigin());
  });
});
