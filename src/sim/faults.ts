// Faults on demand. The state here is read by the streamer and the REST routes; the actions are wired to them by
// the server.

export interface SimulatorFaults {
  /** Terminate every streamer socket abruptly (no close frame). */
  dropSockets(): void;
  /** No heartbeats and no data while on; sockets stay open and commands are still answered. */
  silence(on: boolean): void;
  /** One non-JSON text frame to every logged-in client, with bytes that are not UTF-8 (as Schwab sent once). */
  sendInvalidJson(): void;
  /** Add field "99" (undocumented) to level-one items, and stream data of TIMESALE_EQUITY (a service Schwab does not serve) nobody subscribed to. */
  unknownFields(on: boolean): void;
  /** The next `count` LOGINs get code 3 "Login Denied.: token is invalid or has expired." and are closed. */
  denyLogins(count: number): void;
  /** Code 12 CLOSE_CONNECTION (a notify) to the logged-in client, then close. */
  closeWithMaxConnections(): void;
  /** The next `count` REST calls (the token endpoint excepted) fail with `status`, with Retry-After when given. */
  restFailures(status: 429 | 500 | 503, count: number, retryAfterSeconds?: number): void;
  /** Every access token issued so far is expired: 401 on REST, code 3 at LOGIN. */
  expireAccessTokens(): void;
  /** Every refresh token issued so far fails the refresh grant (400 refresh_token_authentication_error). */
  expireRefreshTokens(): void;
}

export interface RestFailure {
  status: 429 | 500 | 503;
  remaining: number;
  retryAfterSeconds: number | undefined;
}

export class FaultState {
  silent = false;
  unknownFields = false;
  deniedLogins = 0;
  restFailure: RestFailure | undefined;

  /** Consumes one REST failure if any is pending. */
  takeRestFailure(): RestFailure | undefined {
    const failure = this.restFailure;
    if (failure === undefined) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.restFailure = undefined;
    return failure;
  }

  /** Consumes one denied login if any is pending. */
  takeDeniedLogin(): boolean {
    if (this.deniedLogins <= 0) return false;
    this.deniedLogins -= 1;
    return true;
  }
}

export interface FaultActions {
  dropSockets(): void;
  silenceChanged(on: boolean): void;
  sendInvalidJson(): void;
  unknownFieldsChanged(on: boolean): void;
  closeWithMaxConnections(): void;
  expireAccessTokens(): void;
  expireRefreshTokens(): void;
}

export function createFaults(state: FaultState, actions: FaultActions): SimulatorFaults {
  return {
    dropSockets: () => actions.dropSockets(),
    silence: (on) => {
      state.silent = on;
      actions.silenceChanged(on);
    },
    sendInvalidJson: () => actions.sendInvalidJson(),
    unknownFields: (on) => {
      state.unknownFields = on;
      actions.unknownFieldsChanged(on);
    },
    denyLogins: (count) => {
      state.deniedLogins = Math.max(0, Math.floor(count));
    },
    closeWithMaxConnections: () => actions.closeWithMaxConnections(),
    restFailures: (status, count, retryAfterSeconds) => {
      state.restFailure = count > 0 ? { status, remaining: Math.floor(count), retryAfterSeconds } : undefined;
    },
    expireAccessTokens: () => actions.expireAccessTokens(),
    expireRefreshTokens: () => actions.expireRefreshTokens(),
  };
}
