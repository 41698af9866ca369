import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import { isIP } from 'node:net';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import selfsigned from 'selfsigned';
import { RecorderError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { authorizeUrl, newOAuthState, oauthSettings, stateMatches } from '../../schwab/oauth.js';
import { TokenManager, describeTimeLeft, noTokensError, tokenStatus, type TokenStatus } from '../../schwab/token-manager.js';
import { TokenStore } from '../../schwab/token-store.js';
import type { CliContext } from '../context.js';
import { integerOption } from '../options.js';
import { printFields } from '../output.js';

/** Registers `auth login|status|refresh`. No subcommand ever prints token text. */
export function registerAuthCommands(program: Command, ctx: CliContext): Command {
  const auth = program.command('auth').description('log in to Schwab (OAuth) and look after the stored tokens');
  auth.command('login')
    .description('log in through the browser: prints the authorize URL, then reads the redirected URL (or the code) from stdin')
    .option('--listen', "serve the callback URL's host and port over HTTPS (self-signed certificate) and catch the code there")
    .option('--timeout <seconds>', 'with --listen: how long to wait for the browser', integerOption(1), 300)
    .action((options: { listen?: boolean; timeout: number }) => login(ctx, options.listen === true, options.timeout * 1000));
  auth.command('status')
    .description('show when the access and refresh tokens end (exit 1 when there are none)')
    .action(() => status(ctx));
  auth.command('refresh')
    .description('refresh the access token now')
    .action(() => refresh(ctx));
  return auth;
}

async function login(ctx: CliContext, listen: boolean, timeoutMs: number): Promise<void> {
  const { schwab } = ctx.config();
  const manager = TokenManager.fromConfig(schwab, ctx.logger());
  if (schwab.callbackUrl.endsWith('/')) {
    ctx.logger().warn({ callbackUrl: schwab.callbackUrl }, 'the callback URL ends with "/": Schwab requires it to match the registered one exactly, which usually has none');
  }
  // Only a listening callback server needs a state: anyone on the machine can send it a request with a code.
  const state = listen ? newOAuthState() : undefined;
  const url = state === undefined ? manager.authorizeUrl() : authorizeUrl(oauthSettings(schwab), state);
  process.stdout.write(`Open this URL in a browser, log in to Schwab and allow the app:\n\n  ${url}\n\n`);
  let code: string;
  if (state !== undefined) {
    code = await catchCallback(schwab.callbackUrl, state, timeoutMs, ctx.logger(), () => process.stdout.write(
      `Waiting for the browser to come back to ${schwab.callbackUrl} (accept the self-signed certificate warning)...\n`));
  } else {
    process.stdout.write(`The browser then goes to ${schwab.callbackUrl}?code=... (the page itself may fail to load).\n`
      + 'Paste that whole URL here (or just the code) and press Enter:\n');
    code = await readLine();
  }
  printStatus(await manager.login(code), manager.tokenFile, Date.now());
}

async function status(ctx: CliContext): Promise<void> {
  const { schwab } = ctx.config();
  const store = new TokenStore(schwab.tokenFile);
  const tokens = await store.read();
  if (tokens === undefined) throw noTokensError(store.file);
  const now = Date.now();
  printStatus(tokenStatus(tokens, now, schwab.refreshTokenWarnDays), store.file, now);
}

async function refresh(ctx: CliContext): Promise<void> {
  const manager = TokenManager.fromConfig(ctx.config().schwab, ctx.logger());
  await manager.refreshNow('requested with auth refresh');
  const current = await manager.status();
  if (current === undefined) throw noTokensError(manager.tokenFile);
  printStatus(current, manager.tokenFile, Date.now());
}

function printStatus(current: TokenStatus, file: string, now: number): void {
  const at = (ms: number): string => new Date(ms).toISOString();
  const fields: Array<[string, string]> = [
    ['token file', file],
    ['access token expires', `${at(current.accessTokenExpiresAt)} (${describeTimeLeft(current.accessTokenExpiresAt, now)})`],
    ['refresh token issued', at(current.refreshTokenIssuedAt)],
    ['refresh token expires', `${at(current.refreshTokenExpiresAt)} (${describeTimeLeft(current.refreshTokenExpiresAt, now)})`],
  ];
  if (current.refreshTokenExpiring) {
    const when = current.refreshTokenExpiresAt > now ? 'before it ends' : 'now: it has ended';
    fields.push(['warning', `the refresh token is near its 7-day end: run \`schwab-recorder auth login\` ${when}`]);
  }
  printFields(fields);
}

/** One line from stdin: the pasted redirect URL or code. */
async function readLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) {
      if (line.trim() !== '') return line;
    }
  } finally {
    lines.close();
  }
  throw new RecorderError('USAGE', 'nothing was pasted: expected the redirected URL (with ?code=...) on stdin');
}

/**
 * Serves the callback URL over HTTPS with a certificate made on the spot, and resolves with the code of the first
 * request to its path that carries one and this login's `state` (`onListening` runs once the port is open). A request
 * without that state is answered with an error page and ignored: it is not the redirect of the login printed here.
 * A request with `?error=` (the user declined) fails the login.
 */
async function catchCallback(callbackUrl: string, state: string, timeoutMs: number, logger: Logger, onListening: () => void): Promise<string> {
  const url = new URL(callbackUrl);
  if (url.protocol !== 'https:') {
    throw new RecorderError('USAGE', `--listen needs an https callback URL (schwab.callbackUrl / SCHWAB_CALLBACK_URL is ${callbackUrl})`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 443 : Number(url.port);
  const expectedPath = url.pathname === '' ? '/' : url.pathname;
  const pems = await selfsigned.generate([{ name: 'commonName', value: host }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [isIP(host) === 0 ? { type: 2, value: host } : { type: 7, ip: host }] }],
  });

  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const result = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const target = request.url ?? '/';
    const received = new URL(target, 'https://callback.invalid');
    if (received.pathname !== expectedPath) {
      response.writeHead(404).end();
      return;
    }
    if (!stateMatches(received.searchParams.get('state'), state)) {
      response.writeHead(400, { 'Content-Type': 'text/plain' })
        .end('This is not the login started in the terminal (its state is missing or wrong). Open the URL printed there.\n');
      logger.warn('ignored a callback without this login\'s state');
      return;
    }
    const error = received.searchParams.get('error');
    if (error !== null) {
      response.writeHead(400, { 'Content-Type': 'text/plain' }).end('Schwab login was not completed. You can close this tab.\n');
      settle?.reject(new RecorderError('USAGE', `the Schwab login came back with error "${error.slice(0, 80)}": run auth login again`));
      return;
    }
    if (!/[?&]code=/.test(target)) {
      response.writeHead(400, { 'Content-Type': 'text/plain' }).end('No authorization code in this URL.\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end('Schwab login received. You can close this tab and return to the terminal.\n');
    // The raw target, not searchParams: the code is decoded exactly once, by codeFromRedirect.
    settle?.resolve(target);
  });
  server.listen(port, host);
  await once(server, 'listening');
  logger.debug({ host, port, path: expectedPath }, 'waiting for the OAuth callback');
  onListening();
  const timer = setTimeout(() => settle?.reject(new RecorderError('USAGE',
    `no callback reached ${callbackUrl} within ${Math.round(timeoutMs / 1000)} s: run auth login again (or without --listen and paste the URL)`)), timeoutMs);
  try {
    return await result;
  } finally {
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
  }
}
