import type { TestSystem } from './system.js';

export interface PlacedLoad {
  placed: number[];
  rejected: number;
}

/**
 * Places `total` orders through the gateway from `concurrency` workers (one
 * product each, rotating over products and accounts), bounded by `ms`.
 * `onPlaced` runs after each 201, so a fault can be injected mid-load.
 */
export async function placeOrders(
  t: Pick<TestSystem, 'request'>,
  tokens: string[],
  o: {
    total: number;
    concurrency: number;
    products: number;
    ms: number;
    onPlaced?: (n: number) => Promise<void> | void;
  },
): Promise<PlacedLoad> {
  const placed: number[] = [];
  let next = 0;
  let rejected = 0;
  const deadline = Date.now() + o.ms;
  const worker = async () => {
    while (next < o.total && Date.now() < deadline) {
      const i = next++;
      const res = await t.request('/api/orders', {
        method: 'POST',
        token: tokens[i % tokens.length] as string,
        body: { items: [{ productId: (i % o.products) + 1, quantity: 1 + (i % 2) }] },
      });
      if (res.status === 201) {
        placed.push(res.body.id as number);
        await o.onPlaced?.(placed.length);
      } else rejected++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return { placed, rejected };
}
