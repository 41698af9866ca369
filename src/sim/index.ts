// The Schwab simulator: REST and streamer on loopback, speaking the protocol of shared/schwab-protocol.md.
export { startSimulator } from './server.js';
export type { Simulator, SimulatorCredentials, SimulatorOptions, TokenResponse } from './server.js';
export type { SimulatorFaults } from './faults.js';
export type { CommandRecord, RestRecord, SimulatorStats } from './stats.js';
export type { PlaceOrderInput } from './accounts.js';
export { CODE as STREAMER_CODES, MAX_KEYS_PER_SERVICE } from './streamer.js';
export { occSymbol, parseOcc } from './options.js';
