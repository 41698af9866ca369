// The streamer's wire protocol (shared/schwab-protocol.md §3): request envelopes, response codes and the three
// kinds of server frame. No I/O here.

/** Response codes (GUIDE §1.4) and what the session does with each. */
export const CODE = {
  SUCCESS: 0,
  LOGIN_DENIED: 3,               // socket dropped: refresh the token, reconnect, log in again
  UNKNOWN_FAILURE: 9,            // reconnect
  SERVICE_NOT_AVAILABLE: 11,     // that service is not served: report, do not retry it on this connection
  CLOSE_CONNECTION: 12,          // one streamer connection per user: another client holds it
  REACHED_SYMBOL_LIMIT: 19,      // keys refused: report them
  STREAM_CONN_NOT_FOUND: 20,     // the server lost our session: reconnect
  BAD_COMMAND_FORMAT: 21,
  FAILED_COMMAND_SUBS: 22,
  FAILED_COMMAND_UNSUBS: 23,
  FAILED_COMMAND_ADD: 24,
  FAILED_COMMAND_VIEW: 25,
  SUCCEEDED_COMMAND_SUBS: 26,
  SUCCEEDED_COMMAND_UNSUBS: 27,
  SUCCEEDED_COMMAND_ADD: 28,
  SUCCEEDED_COMMAND_VIEW: 29,
  STOP_STREAMING: 30,            // socket dropped by the server (inactivity, empty subscription, admin)
} as const;

export function isSuccess(code: number): boolean {
  return code === CODE.SUCCESS || (code >= CODE.SUCCEEDED_COMMAND_SUBS && code <= CODE.SUCCEEDED_COMMAND_VIEW);
}

/** Codes after which the server drops (or has dropped) the connection. */
export function dropsConnection(code: number): boolean {
  return code === CODE.LOGIN_DENIED || code === CODE.UNKNOWN_FAILURE || code === CODE.CLOSE_CONNECTION
    || code === CODE.STREAM_CONN_NOT_FOUND || code === CODE.STOP_STREAMING;
}

export interface StreamerInfo {
  streamerSocketUrl: string;
  schwabClientCustomerId: string;
  schwabClientCorrelId: string;
  schwabClientChannel: string;
  schwabClientFunctionId: string;
}

export type Command = 'LOGIN' | 'LOGOUT' | 'SUBS' | 'ADD' | 'UNSUBS' | 'VIEW';

export interface StreamerRequest {
  service: string;
  command: Command;
  requestid: string;
  SchwabClientCustomerId: string;
  SchwabClientCorrelId: string;
  parameters: Record<string, string>;
}

export function loginRequest(info: StreamerInfo, requestid: string, accessToken: string): StreamerRequest {
  return envelope(info, requestid, 'ADMIN', 'LOGIN', {
    Authorization: accessToken, // the raw token, no "Bearer"
    SchwabClientChannel: info.schwabClientChannel,
    SchwabClientFunctionId: info.schwabClientFunctionId,
  });
}

export function logoutRequest(info: StreamerInfo, requestid: string): StreamerRequest {
  return envelope(info, requestid, 'ADMIN', 'LOGOUT', {});
}

/** SUBS/ADD carry keys and fields (ascending, 0 first); UNSUBS only keys. Keys are sent upper case. */
export function subscriptionRequest(
  info: StreamerInfo, requestid: string, service: string, command: 'SUBS' | 'ADD' | 'UNSUBS', keys: string[], fields: number[],
): StreamerRequest {
  const parameters: Record<string, string> = { keys: keys.map((k) => k.toUpperCase()).join(',') };
  if (command !== 'UNSUBS') parameters.fields = [...fields].sort((a, b) => a - b).join(',');
  return envelope(info, requestid, service, command, parameters);
}

function envelope(
  info: StreamerInfo, requestid: string, service: string, command: Command, parameters: Record<string, string>,
): StreamerRequest {
  return {
    service, command, requestid,
    SchwabClientCustomerId: info.schwabClientCustomerId,
    SchwabClientCorrelId: info.schwabClientCorrelId,
    parameters,
  };
}

export interface ResponseItem {
  service: string;
  command: string;
  requestid: string;
  code: number;
  msg: string;
}

export interface DataItem {
  service: string;
  content: unknown[];
  /** Schwab's send time (the block's `timestamp`, epoch ms), when it is a number. */
  sentAt: number | null;
}

/** What one server frame holds, sorted for the session. Unknown shapes leave everything empty. */
export interface ServerFrame {
  responses: ResponseItem[];
  /** Response codes that arrived in a notify frame (e.g. code 30), treated like responses. */
  notices: ResponseItem[];
  heartbeat: boolean;
  data: DataItem[];
}

export function classifyFrame(frame: unknown): ServerFrame {
  const out: ServerFrame = { responses: [], notices: [], heartbeat: false, data: [] };
  if (!isObject(frame)) return out;
  for (const item of arrayOf(frame.response)) out.responses.push(responseItem(item));
  for (const item of arrayOf(frame.notify)) {
    if ('heartbeat' in item) out.heartbeat = true;
    else if (isObject(item.content)) out.notices.push(responseItem(item));
  }
  for (const item of arrayOf(frame.data)) {
    if (typeof item.service !== 'string') continue;
    const sentAt = typeof item.timestamp === 'number' && Number.isFinite(item.timestamp) ? item.timestamp : null;
    out.data.push({ service: item.service, content: Array.isArray(item.content) ? item.content : [], sentAt });
  }
  return out;
}

/**
 * Only strings and numbers are read: String() or Number() of an array joins it recursively, and a frame nested
 * 200,000 levels deep would overflow the stack. Anything else reads as empty (code -1).
 */
function responseItem(item: Record<string, unknown>): ResponseItem {
  const content = isObject(item.content) ? item.content : {};
  const code = scalar(content.code);
  return {
    service: scalar(item.service),
    command: scalar(item.command),
    requestid: scalar(item.requestid),
    code: code.trim() === '' ? -1 : Number(code),
    msg: scalar(content.msg),
  };
}

function scalar(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}
