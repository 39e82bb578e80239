import type { Redis } from "@upstash/redis";

import type { InvalidatePublicPages } from "~/server/domain/public-pages.ts";
import { invalidateRegisteredPublicPages, publicPageOrigin } from "~/server/http/public-page-registry.ts";
import { logger } from "~/server/logger.ts";
import { redisKey } from "~/server/redis-keys.ts";

/**
 * Public page invalidations shared by every process through one Redis stream.
 *
 * A write drops its own instance's cached pages at once and appends the tags here (createPublicPageInvalidator). Every
 * instance that serves pages reads the stream every FEED_POLL_MS and drops the same tags, so a product that sold out
 * on one instance stops being offered by all of them within a poll instead of a cache lifetime, and writes made by
 * processes that serve no pages (a separate due-work runner, Inngest functions, scripts) reach the ones that do.
 *
 * If the stream went away or restarted under a reader (Redis flushed, a failover to a replica that had not seen the
 * newest entries), the reader cannot know what it missed, so it drops every page: one render each, never a stale lie.
 */
export const FEED_POLL_MS = 250;
/** Approximate length the stream is trimmed to; a reader polls four times a second, so this is minutes of writes. */
const STREAM_MAX_LENGTH = 1_000;
const BATCH = 200;

type FeedEntry = { origin?: unknown; tags?: unknown };

export function publicPageFeedKey() {
  return redisKey("public-pages", "invalidations");
}

/** Appends one invalidation. `origin` names the writing process, whose reader skips it (it dropped the pages itself). */
export async function publishPublicPageInvalidation(redis: Redis, origin: string, tags: readonly string[]) {
  if (tags.length === 0) return;
  await redis.xadd(publicPageFeedKey(), "*", { origin, tags: tags.join(" ") }, { trim: { type: "MAXLEN", threshold: STREAM_MAX_LENGTH, comparison: "~" } });
}

/** A warn line when something starts failing, not one per failure; the next success re-arms it. */
function warnOncePerOutage(message: string) {
  let isFailing = false;
  return {
    succeeded: () => void (isFailing = false),
    failed: (error: unknown, context: Record<string, unknown> = {}) => {
      if (!isFailing) logger.warn({ err: error, ...context }, message);
      isFailing = true;
    },
  };
}

/**
 * deps.invalidatePublicPages of the running app: this process's cache at once, every other process through the feed.
 * Never throws and never waits: a write has committed by now, and the cache lifetime bounds what a lost entry costs.
 */
export function createPublicPageInvalidator(redis: Redis): InvalidatePublicPages {
  const outage = warnOncePerOutage("public page invalidation not published; other instances catch up within the cache lifetime");
  return (tags) => {
    invalidateRegisteredPublicPages(tags);
    publishPublicPageInvalidation(redis, publicPageOrigin(), tags).then(outage.succeeded, (error: unknown) => outage.failed(error, { tags }));
  };
}

export type PublicPageFeedReader = ReturnType<typeof createPublicPageFeedReader>;

export function createPublicPageFeedReader(options: {
  redis: Redis;
  /** This process's origin: its own entries are skipped. */
  origin: string;
  onTags: (tags: readonly string[]) => void;
  /** Entries this reader had not read may be gone: drop everything. */
  onEverything: () => void;
}) {
  const key = publicPageFeedKey();
  const EMPTY = "0-0";
  // The newest entry this reader has applied (EMPTY: the stream had none); null until the first poll, which starts
  // from the present instead of replaying history.
  let lastSeenId: string | null = null;

  async function newestId() {
    const newest = await options.redis.xrevrange<FeedEntry>(key, "+", "-", 1);
    return Object.keys(newest)[0] ?? EMPTY;
  }

  return {
    /** Applies what other processes published since the last poll. Throws when Redis does; the next poll resumes. */
    async poll() {
      if (lastSeenId === null) {
        lastSeenId = await newestId();
        return;
      }
      // The last entry read is the anchor: if it is gone (the stream was flushed, lost in a failover, or trimmed past a
      // reader that fell far behind), entries after it may be gone too.
      const [anchor, entries] = (await options.redis
        .pipeline()
        .xrange<FeedEntry>(key, lastSeenId, lastSeenId)
        .xrange<FeedEntry>(key, `(${lastSeenId}`, "+", BATCH)
        .exec()) as [Record<string, FeedEntry>, Record<string, FeedEntry>];
      if (lastSeenId !== EMPTY && Object.keys(anchor).length === 0) {
        // The new anchor is read before everything is dropped: an entry up to it was published before the drop, so
        // the drop covers it; one published after it is read by the next poll.
        const newest = await newestId();
        options.onEverything();
        lastSeenId = newest;
        return;
      }
      for (const [id, entry] of Object.entries(entries)) {
        lastSeenId = id;
        if (String(entry.origin) === options.origin) continue;
        const tags = String(entry.tags ?? "").split(" ").filter((tag) => tag.length > 0);
        if (tags.length > 0) options.onTags(tags);
      }
    },
  };
}

/**
 * Polls the feed every FEED_POLL_MS for as long as the process lives (the timer does not keep it alive). A failed poll
 * is logged once per outage and retried by the next tick; polls never overlap.
 */
export function followPublicPageFeed(options: {
  redis: Redis;
  origin: string;
  cache: { invalidate: (tags: readonly string[]) => void; invalidateAll: () => void };
  intervalMs?: number;
}) {
  const reader = createPublicPageFeedReader({
    redis: options.redis,
    origin: options.origin,
    onTags: (tags) => options.cache.invalidate(tags),
    onEverything: () => options.cache.invalidateAll(),
  });
  const outage = warnOncePerOutage("public page feed unreadable; pages fall back to their cache lifetime");
  let isPolling = false;
  const timer = setInterval(() => {
    if (isPolling) return;
    isPolling = true;
    reader
      .poll()
      .then(outage.succeeded, (error: unknown) => outage.failed(error))
      .finally(() => (isPolling = false));
  }, options.intervalMs ?? FEED_POLL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
