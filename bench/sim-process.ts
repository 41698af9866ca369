// The simulator in its own process, so its CPU is not the recorder's (the machine has 2 cores to share).
//   node --import tsx bench/sim-process.ts '<SimulatorOptions JSON>'
// prints one JSON line (URLs, credentials, an authorization redirect), then reads commands on stdin:
//   silence on|off    stop or resume streaming data (heartbeats too), as the faults API does
//   stop              print {itemsSent, framesSent, commands, cpuSeconds, peakRssMb} and exit
import { createInterface } from 'node:readline';
import { startSimulator, type SimulatorOptions } from '../src/sim/index.js';
import { cpuSecondsSince, peakRssMb } from './measure.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const simulator = await startSimulator(options);
const cpu = process.cpuUsage();
const print = (value: unknown): void => { process.stdout.write(`${JSON.stringify(value)}\n`); };
print({ baseUrl: simulator.baseUrl, wsUrl: simulator.wsUrl, credentials: simulator.credentials, redirectUrl: simulator.authorizationRedirectUrl() });

for await (const command of createInterface({ input: process.stdin })) {
  if (command === 'silence on') simulator.faults.silence(true);
  else if (command === 'silence off') simulator.faults.silence(false);
  else if (command === 'stop') break;
}
const commands: Record<string, number> = {};
for (const c of simulator.stats.commands) commands[`${c.service} ${c.command} ${c.code}`] = (commands[`${c.service} ${c.command} ${c.code}`] ?? 0) + 1;
const stats = { itemsSent: { ...simulator.stats.itemsSent }, framesSent: { ...simulator.stats.framesSent }, commands, cpuSeconds: cpuSecondsSince(cpu), peakRssMb: peakRssMb() };
await simulator.close();
print(stats);
process.exit(0);
