import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (where package.json, config/ and sql/ live). Found by walking up because this module runs both
 * from src/ (tsx, tests) and from dist/src/ (built CLI), at different depths.
 */
function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
