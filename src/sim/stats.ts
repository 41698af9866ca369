/** One streamer request as the simulator received it, with the response code it got. */
export interface CommandRecord {
  service: string;
  command: string;
  requestid: string;
  keys: string[];
  fields: number[];
  code: number;
}

export interface RestRecord {
  method: string;
  /** Path and query string. */
  path: string;
  status: number;
}

/** What the simulator has seen and sent; read live (every getter reflects the current state). */
export interface SimulatorStats {
  readonly connections: { readonly current: number; readonly total: number };
  /** `denied` counts code 3 (bad token, denyLogins) and code 12 (a second connection) refusals. */
  readonly logins: { readonly ok: number; readonly denied: number };
  readonly commands: readonly CommandRecord[];
  /** Keys per service of the logged-in connection; services with no keys are absent. */
  readonly subscriptions: Readonly<Record<string, ReadonlySet<string>>>;
  /** Data frames sent, per service (a frame carrying two services counts for both). */
  readonly framesSent: Readonly<Record<string, number>>;
  /** Content items sent, per service. */
  readonly itemsSent: Readonly<Record<string, number>>;
  readonly heartbeatsSent: number;
  readonly restRequests: readonly RestRecord[];
}

export class StatsRecorder implements SimulatorStats {
  readonly connections = { current: 0, total: 0 };
  readonly logins = { ok: 0, denied: 0 };
  readonly commands: CommandRecord[] = [];
  readonly framesSent: Record<string, number> = {};
  readonly itemsSent: Record<string, number> = {};
  heartbeatsSent = 0;
  readonly restRequests: RestRecord[] = [];

  constructor(private readonly subscriptionSource: () => Record<string, ReadonlySet<string>>) {}

  get subscriptions(): Readonly<Record<string, ReadonlySet<string>>> {
    return this.subscriptionSource();
  }

  dataFrame(items: ReadonlyMap<string, number>): void {
    for (const [service, count] of items) {
      this.framesSent[service] = (this.framesSent[service] ?? 0) + 1;
      this.itemsSent[service] = (this.itemsSent[service] ?? 0) + count;
    }
  }
}
