// Every Prometheus metric of the recorder, on one registry, named with units per Prometheus conventions.
// Labels stay low-cardinality: a service, a table, an endpoint name, a reason — never a symbol or an account. A label
// whose value can come off the wire is closed to a list (labels.ts): anything else is `other`.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  closedLabels, commandLabel, frameKindLabel, reconnectReasonLabel, responseCodeLabel, restEndpointLabel, restErrorStatusLabel,
  serviceLabel, tableLabel,
} from './labels.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const on = { registers: [registry] };

// ---- auth
export const tokenExpiry = new Gauge({
  name: 'schwab_token_expiry_timestamp_seconds', help: 'When the current token ends (unix seconds), by token kind',
  labelNames: ['token'] as const, ...on,
});
export const tokenRefreshes = new Counter({
  name: 'schwab_token_refreshes_total', help: 'Access-token refreshes, by result', labelNames: ['result'] as const, ...on,
});
export const refreshTokenWarning = new Gauge({
  name: 'schwab_refresh_token_expiring', help: '1 while the 7-day refresh token is within the warning window: a human must log in again', ...on,
});

// ---- REST
export const restDuration = new Histogram({
  name: 'schwab_rest_request_duration_seconds', help: 'REST request duration, by endpoint and HTTP status class',
  labelNames: ['endpoint', 'status'] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], ...on,
});
export const restRetries = new Counter({
  name: 'schwab_rest_retries_total', help: 'REST retries, by endpoint and reason (429, 5xx, network, timeout, 401)',
  labelNames: ['endpoint', 'reason'] as const, ...on,
});
export const restErrors = closedLabels(new Counter({
  name: 'schwab_rest_errors_total', help: 'Failed REST attempts (each also a rest_error event), by endpoint and HTTP status, timeout or network',
  labelNames: ['endpoint', 'status'] as const, ...on,
}), { endpoint: restEndpointLabel, status: restErrorStatusLabel });

// ---- streamer
export const streamConnected = new Gauge({
  name: 'schwab_stream_connected', help: '1 while the streamer socket is open and logged in', ...on,
});
export const streamReconnects = closedLabels(new Counter({
  name: 'schwab_stream_reconnects_total', help: 'Streamer reconnects, by reason', labelNames: ['reason'] as const, ...on,
}), { reason: reconnectReasonLabel });
export const streamFrames = closedLabels(new Counter({
  name: 'schwab_stream_frames_received_total', help: 'Streamer frames received, by kind (data service, response, notify, invalid)',
  labelNames: ['kind'] as const, ...on,
}), { kind: frameKindLabel });
export const streamFrameErrors = new Counter({
  name: 'schwab_stream_frame_errors_total', help: 'Streamer frames the session could not capture or handle (logged at most once a minute per stage), by stage',
  labelNames: ['stage'] as const, ...on,
});
export const streamBytes = new Counter({
  name: 'schwab_stream_received_bytes_total', help: 'Streamer bytes received', ...on,
});
export const streamLastHeartbeat = new Gauge({
  name: 'schwab_stream_last_heartbeat_timestamp_seconds', help: 'When the last heartbeat arrived (unix seconds)', ...on,
});
export const streamDelay = closedLabels(new Histogram({
  name: 'schwab_stream_delay_seconds', help: 'Received minus sent (the data block\'s timestamp) of every streamer data block, by service',
  labelNames: ['service'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], ...on,
}), { service: serviceLabel });
export const streamLastData = closedLabels(new Gauge({
  name: 'schwab_stream_last_data_timestamp_seconds', help: 'When the last data frame of a service arrived (unix seconds)',
  labelNames: ['service'] as const, ...on,
}), { service: serviceLabel });
export const streamSubscribedKeys = new Gauge({
  name: 'schwab_stream_subscribed_keys', help: 'Keys subscribed and acknowledged, by service', labelNames: ['service'] as const, ...on,
});
export const streamResponses = closedLabels(new Counter({
  name: 'schwab_stream_responses_total', help: 'Streamer responses, by service, command and code',
  labelNames: ['service', 'command', 'code'] as const, ...on,
}), { service: serviceLabel, command: commandLabel, code: responseCodeLabel });

// ---- decode
export const decodeUnknown = closedLabels(new Counter({
  name: 'recorder_decode_unknown_total', help: 'Unknown streamer fields or services seen (kept in the recording), by service and kind',
  labelNames: ['service', 'kind'] as const, ...on,
}), { service: serviceLabel });

export const levelOneUntracked = new Counter({
  name: 'recorder_levelone_untracked_items_total',
  help: 'Level-one items stored without merging, their key past the per-service cap of keys whose state is kept, by service',
  labelNames: ['service'] as const, ...on,
});

// ---- pipeline: buffers, flush, checkpoint
export const rowsWritten = new Counter({
  name: 'recorder_rows_written_total', help: 'Rows committed to PostgreSQL, by table', labelNames: ['table'] as const, ...on,
});
export const rowsRejected = closedLabels(new Counter({
  name: 'recorder_rows_rejected_total', help: 'Rows or frames quarantined in rejected_rows, by table and reason class (decode, or a SQLSTATE class)',
  labelNames: ['table', 'reason'] as const, ...on,
}), { table: tableLabel });
export const flushDuration = new Histogram({
  name: 'recorder_flush_duration_seconds', help: 'Duration of one flush transaction (partitions, COPY per table, checkpoint, commit)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], ...on,
});
export const flushBatchRows = new Histogram({
  name: 'recorder_flush_batch_rows', help: 'Rows per flush', buckets: [1, 10, 100, 1000, 5000, 10000, 25000, 50000, 100000], ...on,
});
export const flushFailures = new Counter({
  name: 'recorder_flush_failures_total', help: 'Flushes that failed for a reason other than the data (database down, connection lost)', ...on,
});
export const receiveToCommit = new Histogram({
  name: 'recorder_receive_to_commit_seconds', help: 'From the capture of a frame or body to the commit of its rows (one observation per line)',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], ...on,
});
export const bufferedRows = new Gauge({ name: 'recorder_buffered_rows', help: 'Rows in memory waiting for a flush', ...on });
export const bufferMaxRows = new Gauge({ name: 'recorder_buffer_max_rows', help: 'Rows the buffers may hold before shedding to catch-up', ...on });
export const bufferedBytes = new Gauge({ name: 'recorder_buffered_bytes', help: 'Estimated bytes of buffered rows', ...on });
export const bufferMaxBytes = new Gauge({ name: 'recorder_buffer_max_bytes', help: 'Bytes the buffers may hold before shedding to catch-up', ...on });
export const recordedSeq = new Gauge({ name: 'recorder_recorded_seq', help: 'Last sequence number journaled to the recording', ...on });
export const committedSeq = new Gauge({ name: 'recorder_committed_seq', help: 'Last sequence number whose rows are committed (the checkpoint)', ...on });
export const backlogLines = new Gauge({ name: 'recorder_backlog_lines', help: 'Recording lines not yet committed (recorded minus committed seq)', ...on });
/** Where the commit gauges read from at scrape time (the live pipeline); none: 0. */
let commitHealth: (() => { backlogSeconds: number; stuckSeconds: number }) | null = null;
export function watchCommits(source: typeof commitHealth): void {
  commitHealth = source;
}
export const backlogSeconds = new Gauge({
  name: 'recorder_backlog_seconds', help: 'Age of the oldest uncommitted recording line, computed at scrape time',
  collect() { this.set(commitHealth?.().backlogSeconds ?? 0); }, ...on,
});
export const commitsStuckSeconds = new Gauge({
  name: 'recorder_commits_stuck_seconds', help: 'How long there has been something to commit and no commit (0 while commits advance)',
  collect() { this.set(commitHealth?.().stuckSeconds ?? 0); }, ...on,
});
export const recordingBytes = new Counter({ name: 'recorder_recording_bytes_total', help: 'Bytes appended to the recording', ...on });
export const pipelineMode = new Gauge({
  name: 'recorder_mode', help: '1 for the current mode: live (decoding as frames arrive) or catchup (re-reading the recording)',
  labelNames: ['mode'] as const, ...on,
});

// ---- market-hours schedule
export const scheduleOpen = new Gauge({
  name: 'recorder_schedule_open', help: '1 while the market-hours schedule says the streamer should be connected', ...on,
});
export const scheduleReason = new Gauge({
  name: 'recorder_schedule_idle_reason', help: '1 for the schedule\'s current reason (weekend, holiday, before-session, after-session, early-close, in-session, ...), 0 for the others',
  labelNames: ['reason'] as const, ...on,
});

// ---- HTTP
export const httpRequests = new Counter({
  name: 'recorder_http_requests_total', help: 'Requests to the recorder\'s own HTTP server, by path and status code',
  labelNames: ['path', 'code'] as const, ...on,
});

// prom-client's default metrics include three gauges named with `_total` (nodejs_active_{handles,requests,resources}_total),
// which `promtool check metrics` refuses (non-counters must not end in _total). Their per-type twins without the
// suffix (nodejs_active_handles, nodejs_active_requests, nodejs_active_resources) stay: sum() them for the total.
for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
