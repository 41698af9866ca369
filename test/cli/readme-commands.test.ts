// README's command lines, run as written in a fresh tree of the repo: the tracked and new files of this working
// tree, no dist/ (nobody has built), node_modules linked from here (as `npm ci` would leave it, without the network),
// under a folder only its owner may enter (root's home, `mktemp -d`). A README edit that shows a command the CLI
// does not answer fails here.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/paths.js';

const execFileAsync = promisify(execFile);
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

/** The lines of README's code blocks and its inline code spans. */
function codeTexts(markdown: string): string[] {
  const block = /^```[^\n]*\n([\s\S]*?)^```/gm;
  const blockLines = [...markdown.matchAll(block)].flatMap((match) => (match[1] ?? '').split('\n'));
  const spans = [...markdown.replace(block, '').matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? '');
  return [...blockLines, ...spans];
}

/** Every npm or npx command README shows, one per `&&`, without its trailing comment. */
function npmCommands(markdown: string): string[] {
  const commands = codeTexts(markdown)
    .map((text) => text.replace(/\s+#.*$/, '').trim())
    .flatMap((text) => text.split(/\s*&&\s*/))
    .filter((line) => /^([A-Z_]+=\S*\s+)*(npx|npm)\s/.test(line));
  return [...new Set(commands)];
}

/** The CLI's arguments in a command line that runs it (`npx schwab-recorder …`, `npm run -s cli -- …`), else undefined. */
function cliArguments(line: string): string[] | undefined {
  const match = /(?:^|\s)(?:npx schwab-recorder|npm run (?:-s )?cli --)(?:\s+(.*))?$/.exec(line);
  if (match === null) return undefined;
  return (match[1] ?? '').split(/\s+/).filter((word) => word !== '');
}

/** The command path of an invocation: its words up to the first option or placeholder. */
function commandPath(args: string[]): string[] {
  const end = args.findIndex((word) => /^[-[<]/.test(word));
  return end === -1 ? args : args.slice(0, end);
}

/** The commands named in the first column of README's command table (`db start` / `db stop` …). */
function tableCommands(markdown: string): string[][] {
  const table = markdown.slice(markdown.indexOf('| command |')).split('\n\n')[0] ?? '';
  return table
    .split('\n')
    .slice(2)
    .flatMap((row) => [...(row.split(' | ')[0] ?? '').matchAll(/`([^`]+)`/g)].map((match) => commandPath((match[1] ?? '').split(/\s+/))));
}

const commands = npmCommands(readme);
const cliLines = commands.filter((line) => cliArguments(line) !== undefined);

/** A shell as a user has it: none of the npm_* variables `npm test` sets for its scripts. */
function userEnv(npmCache: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$)/.test(name)));
  // A private npm cache: npx records the repo's own bin there, and nothing may come from the network.
  return { ...env, npm_config_cache: npmCache, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
}

describe("README's command lines in a fresh tree after npm ci", () => {
  let folder: string;
  let tree: string;
  const outputs = new Map<string, Promise<{ stdout: string; stderr: string }>>();

  /** Runs a command line through sh in the fresh tree, once; rejects on a non-zero exit. */
  function run(line: string): Promise<{ stdout: string; stderr: string }> {
    let output = outputs.get(line);
    if (output === undefined) {
      output = execFileAsync('sh', ['-c', line], { cwd: tree, env: userEnv(path.join(folder, 'npm-cache')), timeout: 30_000 });
      outputs.set(line, output);
    }
    return output;
  }

  /** The help of a command path, straight from the tree's bin script (npx itself is covered by the lines above). */
  async function help(commandWords: string[]): Promise<string> {
    const { stdout } = await execFileAsync(process.execPath, ['bin/schwab-recorder.js', ...commandWords, '--help'], { cwd: tree, timeout: 30_000 });
    return stdout;
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'readme-commands-'));
    tree = path.join(folder, 'schwab-recorder');
    const { stdout } = await execFileAsync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot });
    for (const file of stdout.split('\0').filter((name) => name !== '')) {
      await mkdir(path.dirname(path.join(tree, file)), { recursive: true });
      // A tracked file deleted in the working tree is not part of it.
      await cp(path.join(repoRoot, file), path.join(tree, file)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    await symlink(path.join(repoRoot, 'node_modules'), path.join(tree, 'node_modules'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('shows the CLI run through npx and through npm run', () => {
    expect(cliLines).toEqual(expect.arrayContaining(['npx schwab-recorder --help', 'npm run -s cli -- --help']));
  });

  it('shows only npm scripts that package.json has', async () => {
    const { scripts } = JSON.parse(await readFile(path.join(tree, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const named = commands.flatMap((line) => [.../^npm (?:run (?:-s )?(\S+)|(test|start))/.exec(line)?.slice(1) ?? []]).filter((name) => name !== undefined);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => scripts[name] === undefined)).toEqual([]);
  });

  // A line that does more than print help (`auth login`, `record`) is checked for its command with --help added.
  it.concurrent.each(cliLines)('`%s` answers as written, without a build', async (line) => {
    const args = cliArguments(line) ?? [];
    const asHelp = args.includes('--help') ? line : `${line} --help`;
    const { stdout } = await run(asHelp);
    const usage = ['Usage: schwab-recorder', ...commandPath(args), '[options]'].join(' ');
    expect(stdout.split('\n')[0]).toMatch(new RegExp(`^${usage.replaceAll(/[[\]]/g, '\\$&')}( \\[command\\])?$`));
  }, 60_000);

  it("lists in its command table only commands the CLI has, each under its parent's --help", async () => {
    const table = tableCommands(readme);
    expect(table.length).toBeGreaterThan(10);
    const parents = [...new Set(table.map((words) => words.slice(0, -1).join(' ')))];
    const helps = new Map(await Promise.all(parents.map(async (parent) => [parent, await help(parent.split(' ').filter(Boolean))] as const)));
    const missing = table.filter((words) => {
      const listed = helps.get(words.slice(0, -1).join(' ')) ?? '';
      return !new RegExp(`^ {2}${words.at(-1)}\\b`, 'm').test(listed.slice(listed.indexOf('\nCommands:')));
    });
    expect(missing.map((words) => words.join(' '))).toEqual([]);
  }, 60_000);
});
