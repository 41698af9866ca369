import { z } from 'zod';

/**
 * The recorder's configuration. Objects are strict so a misspelt key is an error rather than a silently ignored
 * setting. Messages must never echo the input value: several fields are secrets.
 */

const port = z.number().int().min(1).max(65535);
const nullableText = z.string().min(1).nullable();

const embedded = z.strictObject({
  dataDir: z.string().min(1),
  port,
  user: z.string().min(1),
  password: z.string().min(1),
  database: z.string().min(1),
});

const ssl = z.strictObject({
  mode: z.enum(['disable', 'require', 'verify-ca', 'verify-full']),
  caFile: nullableText,
});

const role = z.strictObject({ name: z.string().regex(/^[a-z_][a-z0-9_]*$/), password: nullableText });

const database = z.strictObject({
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .nullable(),
  embedded,
  ssl,
  pool: z.strictObject({ max: z.number().int().min(1), idleTimeoutMs: z.number().int().min(0) }),
  roles: z.strictObject({ writer: role, reader: role }),
});

const partitions = z.strictObject({
  /** Partitions created ahead of today, in units of each table's period. */
  ahead: z.strictObject({
    daily: z.number().int().min(1),
    weekly: z.number().int().min(1),
    monthly: z.number().int().min(1),
  }),
  /** Table name -> days; a partition is dropped once its whole range ended more than that many days ago. */
  retentionDays: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), z.number().int().positive().nullable()),
});

const ms = z.number().int().min(0);

const schwab = z.strictObject({
  appKey: nullableText,
  appSecret: nullableText,
  callbackUrl: z.url(),
  tokenFile: z.string().min(1),
  /** Schwab's API host; the OAuth, trader and market-data paths hang below it (or the simulator's). */
  apiBaseUrl: z.url(),
  requestTimeoutMs: ms,
  /** Client-side token bucket: Schwab's community-documented 120 requests per minute. */
  requestsPerMinute: z.number().int().min(1),
  maxRetries: z.number().int().min(0),
  /** Refresh the access token when less than this is left. */
  refreshLeewayMs: ms,
  /** Warn (log + metric) from this many days before the 7-day refresh token ends. */
  refreshTokenWarnDays: z.number().min(0),
});

const symbolList = z.array(z.string().min(1));

const stream = z.strictObject({
  equities: symbolList,
  /** Explicit OCC option symbols; the contracts of tracked chains are added to these. */
  options: symbolList,
  chartEquities: symbolList,
  /** LEVELONE_FUTURES keys: `/ES` (front month) or `/ESZ26` (a dated contract). */
  futures: symbolList,
  /** LEVELONE_FUTURES_OPTIONS keys (`./OZCZ27C450`). Not taken from tracked chains: REST chains have no futures options. */
  futuresOptions: symbolList,
  /** LEVELONE_FOREX pairs (`EUR/USD`). */
  forex: symbolList,
  /** CHART_FUTURES keys: minute bars into price_data next to the equity bars. */
  chartFutures: symbolList,
  /** NYSE_BOOK keys (NYSE-listed stocks: `JPM`, `F`): whole books into book_snapshots. */
  nyseBook: symbolList,
  /** NASDAQ_BOOK keys (NASDAQ-listed stocks: `AAPL`, `AMD`). */
  nasdaqBook: symbolList,
  /**
   * OPTIONS_BOOK keys: space-padded OCC symbols. Not taken from tracked chains: a whole book per tracked contract
   * and update would multiply the write volume; list the few contracts whose depth is wanted.
   */
  optionsBook: symbolList,
  /** SCREENER_EQUITY keys PREFIX_SORTFIELD_FREQUENCY (`$SPX_VOLUME_0`, `NASDAQ_VOLUME_30`): ranked lists into screener_items. */
  screenerEquity: symbolList,
  /** SCREENER_OPTION keys (`OPTION_CALL_TRADES_30`, `OPTION_PUT_VOLUME_5`). */
  screenerOption: symbolList,
  accountActivity: z.boolean(),
  /** Keys per SUBS/ADD request and keys per service on the connection (Schwab refuses past ~500: code 19). */
  maxKeysPerRequest: z.number().int().min(1),
  maxKeysPerService: z.number().int().min(1),
  /** No frame at all (heartbeats included) for this long: the socket is dead, reconnect. */
  heartbeatTimeoutMs: ms,
  /** A subscribed service without data this long while the market is open: reconnect. */
  dataSilenceTimeoutMs: ms,
  /** The largest streamer frame taken, inflated (Schwab's largest are under 1 MiB); a larger one reconnects. */
  maxFrameBytes: z.number().int().min(1024),
  reconnect: z.strictObject({
    initialDelayMs: ms,
    maxDelayMs: ms,
    /** Connected this long without trouble: the backoff starts again from initialDelayMs. */
    healthyAfterMs: ms,
  }),
});

const simulator = z.strictObject({
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535),
  seed: z.number().int(),
  /** Level-one updates per second across all subscribed keys; 0 = as fast as the socket takes them. */
  updatesPerSecond: z.number().min(0),
  heartbeatIntervalMs: ms,
  /** The simulator places and fills an order this often (ACCT_ACTIVITY announces it); null = never. */
  orderIntervalMs: z.number().int().min(1).nullable(),
});

const recording = z.strictObject({
  /** Recordings live in `<dir>/<recording-id>/`. */
  dir: z.string().min(1),
  segmentMaxBytes: z.number().int().min(1024),
  segmentMaxAgeMs: ms,
  gzipClosedSegments: z.boolean(),
  /**
   * Days a recording is kept: other recordings last written longer ago are deleted, and so are the closed, committed
   * segments of the one being written that are older (src/recording/retention.ts); null keeps everything.
   */
  retentionDays: z.number().int().positive().nullable(),
});

const pipeline = z.strictObject({
  /** A flush is started this often, and as soon as flushRows rows are buffered. */
  flushIntervalMs: z.number().int().min(10),
  flushRows: z.number().int().min(1),
  /** Bounds of the buffers: past either, they are dropped and the recorder catches up from the recording. */
  maxBufferedRows: z.number().int().min(1),
  maxBufferedBytes: z.number().int().min(1024),
  retryInitialDelayMs: ms,
  retryMaxDelayMs: ms,
});

const snapshots = z.strictObject({
  chains: z.strictObject({
    underlyings: symbolList,
    /** One snapshot per underlying this often, during market hours. */
    intervalMs: z.number().int().min(1000),
    /** Schwab's strikeCount: strikes around the money per expiration (bounds the body: big chains overflow). */
    strikeCount: z.number().int().min(1),
    /** Expirations kept, by days to expiration. */
    minDte: z.number().int().min(0),
    maxDte: z.number().int().min(0),
    /** LEVELONE_OPTIONS follows the tracked contracts: within this many strikes of the money, per expiration and side. */
    subscribeStrikesAroundMoney: z.number().int().min(0),
  }),
  orders: z.strictObject({ pollIntervalMs: z.number().int().min(1000), lookbackDays: z.number().int().min(1).max(60) }),
  transactions: z.strictObject({ pollIntervalMs: z.number().int().min(1000), lookbackDays: z.number().int().min(1).max(365) }),
  /**
   * GET /accounts/{hash}?fields=positions of every account (account_balances, positions): at start, this often while
   * the market schedule is open, and afterActivityMs after the first ACCT_ACTIVITY message of a burst (fills).
   */
  accounts: z.strictObject({ pollIntervalMs: z.number().int().min(1000), afterActivityMs: z.number().int().min(0) }),
  gapBackfill: z.strictObject({
    /** After a streamer disconnect, fetch the minute bars of the chart symbols for the gap. */
    enabled: z.boolean(),
    maxGapMinutes: z.number().int().min(1),
  }),
  /**
   * GET /movers/{index}?sort=&frequency= for every index and sort, this often while the market schedule is open:
   * the top ten into screener_items (source 'rest'). No indexes: no polls.
   */
  movers: z.strictObject({
    indexes: z.array(z.enum(['$DJI', '$COMPX', '$SPX', 'NYSE', 'NASDAQ', 'OTCBB', 'INDEX_ALL', 'EQUITY_ALL', 'OPTION_ALL', 'OPTION_PUT', 'OPTION_CALL'])),
    sorts: z.array(z.enum(['VOLUME', 'TRADES', 'PERCENT_CHANGE_UP', 'PERCENT_CHANGE_DOWN'])).min(1),
    /** Minutes the ranking covers; 0 = the whole day. */
    frequency: z.union([z.literal(0), z.literal(1), z.literal(5), z.literal(10), z.literal(30), z.literal(60)]),
    intervalMs: z.number().int().min(1000),
  }),
  /** GET /markets for these markets (today's hours) at start and this often, into market_hours. No markets: no polls. */
  marketHours: z.strictObject({
    markets: z.array(z.enum(['equity', 'option', 'bond', 'future', 'forex'])),
    intervalMs: z.number().int().min(1000),
  }),
});

const log = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});

const http = z.strictObject({
  /** /metrics, /healthz and /readyz; 0 picks a free port. */
  port: z.number().int().min(0).max(65535),
  /** 127.0.0.1 by default (config/default.json): metrics are nobody else's business. The image sets 0.0.0.0. */
  host: z.string().min(1),
  /** /readyz fails while the oldest uncommitted recording line is older than this. */
  readyMaxBacklogSeconds: z.number().min(0),
});

const schedule = z.strictObject({
  /** Stream only around the equity session of trading days (Schwab's market hours, a built-in NYSE calendar as fallback). */
  enabled: z.boolean(),
  connectBeforeMinutes: z.number().int().min(0).max(240),
  disconnectAfterMinutes: z.number().int().min(0).max(240),
  /** extended: pre-market start to post-market end; regular: 09:30 to the close. */
  session: z.enum(['extended', 'regular']),
});

export const configSchema = z.strictObject({
  database, partitions, schwab, stream, simulator, recording, pipeline, snapshots, log, http, schedule,
});

export type Config = z.infer<typeof configSchema>;
export type SslMode = Config['database']['ssl']['mode'];
export type LogLevel = Config['log']['level'];
