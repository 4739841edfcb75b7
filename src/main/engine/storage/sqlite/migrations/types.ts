import type Database from 'better-sqlite3';

/**
 * One schema version. A migration is frozen once released: users' databases were built by it, and the
 * committed fixture test/fixtures/db/v1-user.db checks that version 1 still builds the same schema.
 * The runner executes `up` inside its own IMMEDIATE transaction and records the version there too.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
