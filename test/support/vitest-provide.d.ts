import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (maintenance database) that tests create their own databases on. */
    databaseUrl: string;
    /** A database migrated to the latest version once per run; createTestDatabase clones it. */
    templateDatabase: string;
  }
}
