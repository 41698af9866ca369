// Level-one delta items rendered to JSON once and replayed in a ring: the benchmark's feed. A fresh random-walk quote
// per item costs the simulator more CPU than the recorder spends storing it, and on a 2-core machine that CPU comes
// out of the recorder's share. The items are real deltas of the subscribed keys (made by the normal pump, once);
// replayed, prices jump back at the end of the ring, which a throughput test does not mind.

import type { LevelOneService } from './levelone.js';

export class ItemRing {
  private next = 0;

  /** `items`: [service, item JSON] in the order the pump made them. */
  constructor(private readonly items: ReadonlyArray<readonly [LevelOneService, string]>) {}

  get size(): number {
    return this.items.length;
  }

  /** The data frame text of the next `count` items (one block per service) and the items per service in it. */
  frame(count: number, timestamp: number): { text: string; counts: Map<string, number> } {
    const byService = new Map<LevelOneService, string[]>();
    for (let i = 0; i < count; i++) {
      const [service, item] = this.items[this.next]!;
      this.next = (this.next + 1) % this.items.length;
      let list = byService.get(service);
      if (list === undefined) byService.set(service, (list = []));
      list.push(item);
    }
    const blocks = [...byService].map(([service, items]) =>
      `{"service":"${service}","timestamp":${timestamp},"command":"SUBS","content":[${items.join(',')}]}`);
    return { text: `{"data":[${blocks.join(',')}]}`, counts: new Map([...byService].map(([service, items]) => [service, items.length])) };
  }
}
