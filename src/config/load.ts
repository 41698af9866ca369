import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { repoRoot } from '../paths.js';
import { configSchema, type Config } from './schema.js';

export type { Config } from './schema.js';

export interface LoadConfigOptions {
  /** `--config <path>`; when absent, env SCHWAB_RECORDER_CONFIG is used. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Relative paths (config file, dataDir, tokenFile, caFile, recording dir) resolve against this. */
  cwd?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One source of settings, applied in order; later layers win. */
interface Layer {
  source: string;
  value: JsonObject;
}

const DEFAULT_FILE = path.join(repoRoot, 'config', 'default.json');

const ENV_VARIABLES: ReadonlyArray<{ name: string; path: string; kind: 'string' | 'number' }> = [
  { name: 'DATABASE_URL', path: 'database.url', kind: 'string' },
  { name: 'SCHWAB_RECORDER_DATA_DIR', path: 'database.embedded.dataDir', kind: 'string' },
  { name: 'SCHWAB_RECORDER_PG_PORT', path: 'database.embedded.port', kind: 'number' },
  { name: 'SCHWAB_RECORDER_LOG_LEVEL', path: 'log.level', kind: 'string' },
  { name: 'SCHWAB_RECORDER_WRITER_PASSWORD', path: 'database.roles.writer.password', kind: 'string' },
  { name: 'SCHWAB_RECORDER_READER_PASSWORD', path: 'database.roles.reader.password', kind: 'string' },
  { name: 'SCHWAB_APP_KEY', path: 'schwab.appKey', kind: 'string' },
  { name: 'SCHWAB_APP_SECRET', path: 'schwab.appSecret', kind: 'string' },
  { name: 'SCHWAB_CALLBACK_URL', path: 'schwab.callbackUrl', kind: 'string' },
  { name: 'SCHWAB_TOKEN_FILE', path: 'schwab.tokenFile', kind: 'string' },
  { name: 'SCHWAB_RECORDER_RECORDINGS_DIR', path: 'recording.dir', kind: 'string' },
  { name: 'SCHWAB_RECORDER_HTTP_HOST', path: 'http.host', kind: 'string' },
];

/** default.json → optional config file → environment variables, validated; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const layers = [readLayer(DEFAULT_FILE)];
  const configFile = options.configFile ?? nonEmpty(env['SCHWAB_RECORDER_CONFIG']);
  if (configFile !== undefined) layers.push(readLayer(path.resolve(cwd, configFile)));
  layers.push(...envLayers(env));

  const sources = new Map<string, string>();
  let merged: Json = {};
  for (const layer of layers) {
    recordSources(layer.value, [], layer.source, sources);
    merged = deepMerge(merged, layer.value);
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap((issue) => toProblems(issue, sources)));
  return resolvePaths(parsed.data, cwd);
}

function readLayer(file: string): Layer {
  const source = `file ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([{ path: '', message: `cannot read config file ${file} (${reason})` }]);
  }
  const value = parseJson(text, file);
  if (!isObject(value)) throw new ConfigError([{ path: '', message: 'must hold a JSON object', source }]);
  return { source, value };
}

/** JSON.parse messages quote the surrounding text, which may be a secret: report only the position. */
function parseJson(text: string, file: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const at = position === undefined ? '' : ` at ${lineAndColumn(text, Number(position))}`;
    throw new ConfigError([{ path: '', message: `not valid JSON${at}`, source: `file ${file}` }]);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function envLayers(env: NodeJS.ProcessEnv): Layer[] {
  return ENV_VARIABLES.flatMap(({ name, path: dotted, kind }) => {
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return [];
    // A non-numeric value stays a string so that validation reports it against the right path.
    const value = kind === 'number' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    return [{ source: `env ${name}`, value: nest(dotted.split('.'), value) }];
  });
}

function nest(keys: string[], value: Json): JsonObject {
  const [head, ...rest] = keys;
  if (head === undefined) throw new Error('empty config path');
  return { [head]: rest.length === 0 ? value : nest(rest, value) };
}

/** Objects merge key by key; anything else (arrays, scalars, null) replaces. */
function deepMerge(base: Json, over: Json): Json {
  if (!isObject(base) || !isObject(over)) return over;
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) result[key] = deepMerge(base[key] ?? null, value);
  return result;
}

function recordSources(value: Json, at: string[], source: string, sources: Map<string, string>): void {
  if (at.length > 0) sources.set(at.join('.'), source);
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) recordSources(child, [...at, key], source, sources);
}

function toProblems(issue: z.core.$ZodIssue, sources: Map<string, string>): ConfigProblem[] {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => problem([...at, key], 'unknown key', sources));
  }
  return [problem(at, issue.message, sources)];
}

/** Names the layer that last set the path, or the nearest parent it set. */
function problem(at: string[], message: string, sources: Map<string, string>): ConfigProblem {
  for (let depth = at.length; depth > 0; depth -= 1) {
    const source = sources.get(at.slice(0, depth).join('.'));
    if (source !== undefined) return { path: at.join('.'), message, source };
  }
  return { path: at.join('.'), message };
}

function resolvePaths(config: Config, cwd: string): Config {
  const { database, schwab, recording } = config;
  const caFile = database.ssl.caFile;
  return {
    ...config,
    database: {
      ...database,
      embedded: { ...database.embedded, dataDir: path.resolve(cwd, database.embedded.dataDir) },
      ssl: { ...database.ssl, caFile: caFile === null ? null : path.resolve(cwd, caFile) },
    },
    schwab: { ...schwab, tokenFile: path.resolve(cwd, schwab.tokenFile) },
    recording: { ...recording, dir: path.resolve(cwd, recording.dir) },
  };
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
