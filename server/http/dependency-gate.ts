/**
 * Pages answer 503 while MySQL or Redis is unreachable instead of rendering a 500 per request. The probe result is
 * cached briefly and shared by concurrent requests, so the check costs one probe per interval, not one per page view.
 */
export function createDependencyGate(options: { check: () => Promise<boolean>; cacheMs?: number; timeoutMs?: number }) {
  const cacheMs = options.cacheMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 1_500;
  let lastResult = true;
  let checkedAt = 0;
  let inFlight: Promise<boolean> | undefined;

  async function probe() {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([options.check().catch(() => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async isHealthy(nowMs = Date.now()) {
      if (nowMs - checkedAt < cacheMs) return lastResult;
      inFlight ??= probe().then((healthy) => {
        lastResult = healthy;
        checkedAt = Date.now();
        inFlight = undefined;
        return healthy;
      });
      return inFlight;
    },
  };
}

export const SERVICE_UNAVAILABLE_HTML = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>잠시 후 다시 시도해 주세요 · FlashMart</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#fafafa;color:#18181b">
<main style="text-align:center;padding:24px"><h1 style="font-size:22px">일시적으로 서비스를 이용할 수 없습니다</h1>
<p>잠시 후 다시 시도해 주세요. 문제가 계속되면 고객센터로 문의해 주세요.</p><p><a href="/">새로고침</a></p></main></body></html>`;
