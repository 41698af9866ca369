// What capture removes before anything is recorded (design.md §3.5): account numbers of ACCT_ACTIVITY messages
// and the access token of LOGIN requests. Runs on every inbound frame, so frames without ACCT_ACTIVITY come back
// as the same object, uncopied; redacted frames are copies that share every part they do not change.
// Only the envelope (data[], content[]) is walked, a fixed two levels; message data is masked by its text
// (schwab/account-mask.ts), so however deep a frame nests, redaction costs no stack.
import { redactAccountActivityItem } from '../schwab/account-mask.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isAccountActivity = (block: unknown): block is JsonObject =>
  isObject(block) && block.service === 'ACCT_ACTIVITY';

/** The frame with ACCT_ACTIVITY account numbers masked ("...678"); other frames are returned as they are. */
export function redactInboundFrame(frame: unknown): unknown {
  if (!isObject(frame)) return frame;
  const { data } = frame;
  if (Array.isArray(data)) {
    if (!data.some(isAccountActivity)) return frame;
    return { ...frame, data: data.map((block) => (isAccountActivity(block) ? redactBlock(block) : block)) };
  }
  // A bare {service, content} object (seen once in a real capture) is treated like one data block.
  return isAccountActivity(frame) ? redactBlock(frame) : frame;
}

function redactBlock(block: JsonObject): JsonObject {
  return Array.isArray(block.content) ? { ...block, content: block.content.map(redactAccountActivityItem) } : block;
}

/**
 * The outbound request with its token replaced by "[redacted]": `parameters.Authorization` of every request in
 * `{"requests":[...]}` or of a bare request. LOGIN is the only command that carries one, but any is cleaned.
 */
export function redactOutboundRequest(request: unknown): unknown {
  if (!isObject(request)) return request;
  const { requests } = request;
  if (Array.isArray(requests)) {
    if (!requests.some(hasToken)) return request;
    return { ...request, requests: requests.map((r) => (hasToken(r) ? redactToken(r) : r)) };
  }
  return hasToken(request) ? redactToken(request) : request;
}

function hasToken(request: unknown): request is JsonObject & { parameters: JsonObject } {
  return isObject(request) && isObject(request.parameters) && request.parameters.Authorization !== undefined;
}

function redactToken(request: JsonObject & { parameters: JsonObject }): JsonObject {
  return { ...request, parameters: { ...request.parameters, Authorization: '[redacted]' } };
}
