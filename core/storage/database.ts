// The SQLite database (better-sqlite3, WAL) that holds message history, the outbox, every attempt and
// the strangers who wrote. Schema changes are numbered migrations, applied in order at open.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE, privateFile, privateFolder } from './private-files';

export type Db = Database.Database;

/** Each entry moves the schema one version up; never edit one that has shipped, add a new one. */
export const migrations: readonly string[] = [
  // 1: messages (the outbox is the outgoing ones still 'sending') and attempts
  `CREATE TABLE messages (
     id TEXT PRIMARY KEY,
     contact_id TEXT NOT NULL,
     direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
     body TEXT NOT NULL,
     state TEXT NOT NULL,
     at INTEGER NOT NULL,
     priority TEXT NOT NULL DEFAULT 'normal',
     expires_at INTEGER,
     chosen_manager TEXT,
     manager TEXT,
     configuration TEXT,
     failure TEXT
   );
   CREATE INDEX messages_by_contact ON messages (contact_id, at);
   CREATE INDEX messages_by_state ON messages (state);
   CREATE TABLE attempts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
     manager TEXT NOT NULL,
     configuration TEXT NOT NULL,
     mechanism TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     ended_at INTEGER,
     outcome TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX attempts_by_message ON attempts (message_id);`,
  // 2: people not in the contact list who wrote
  `CREATE TABLE strangers (
     id TEXT PRIMARY KEY,
     mechanism TEXT NOT NULL,
     address TEXT NOT NULL,
     first_message TEXT NOT NULL,
     at INTEGER NOT NULL,
     ignored INTEGER NOT NULL DEFAULT 0,
     UNIQUE (mechanism, address)
   );`,
  // 3: people offered from an account's own contact list (an XMPP roster), with the name it gives them
  `ALTER TABLE strangers ADD COLUMN suggested INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE strangers ADD COLUMN name TEXT;`,
  // 4: the ids a received message came with (the sender's origin-id, the server's stanza-id), one of
  //    each per conversation, so that a copy arriving again, or over another mechanism, is shown once
  `CREATE TABLE incoming_ids (
     contact_id TEXT NOT NULL,
     remote_id TEXT NOT NULL,
     message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
     PRIMARY KEY (contact_id, remote_id)
   );
   CREATE INDEX incoming_ids_by_message ON incoming_ids (message_id);`,
  // 5: a failed attempt whose message may have reached the server all the same (the connection was
  //    lost before the server's count said): a later send on that mechanism looks for it first
  `ALTER TABLE attempts ADD COLUMN fate_unknown INTEGER NOT NULL DEFAULT 0;`,
  // 6: a conversation is read a page at a time, newest first, ties broken by id
  `CREATE INDEX messages_by_contact_page ON messages (contact_id, at, id);`,
  // 7: how far the user has read each conversation (the time of the newest message when they read
  //    it); what came in later is unread. History from before counts as read.
  `CREATE TABLE read_marks (
     contact_id TEXT PRIMARY KEY,
     read_at INTEGER NOT NULL
   );
   INSERT INTO read_marks (contact_id, read_at) SELECT contact_id, MAX(at) FROM messages GROUP BY contact_id;`,
  // 8: the name a mechanism gave a received message (XMPP's stanza id), by which a read marker names
  //    it: one the user's other device sent marks it read here; and whether its sender asked to be
  //    told when it is read and is still owed that (`owed`), so that reading here tells them once
  `CREATE TABLE incoming_refs (
     message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
     mechanism TEXT NOT NULL,
     address TEXT NOT NULL,
     ref TEXT NOT NULL,
     owed INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX incoming_refs_by_ref ON incoming_refs (mechanism, ref);
   CREATE INDEX incoming_refs_owed ON incoming_refs (owed) WHERE owed = 1;`,
  // 9: how far each account's server archive has been read (its id of the last message read), so
  //    that a sign-in's catch-up starts there without a scan of the history, past what the user sent too
  `CREATE TABLE archive_cursors (
     mechanism TEXT PRIMARY KEY,
     server_id TEXT NOT NULL
   );`,
];

export function openDatabase(directory: string): Db {
  privateFolder(directory);
  const file = path.join(directory, 'switchboard.sqlite3');
  // The history is the user's alone. SQLite gives the -wal and -shm files the database file's mode,
  // so the file is made 0600 before SQLite opens it; ones an older version left open are closed.
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const own of [file, `${file}-wal`, `${file}-shm`]) privateFile(own);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a message acknowledged to the sender is on disk even if the machine loses power next.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`the message database is from a newer Switchboard (schema ${current}, this one knows ${migrations.length})`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/**
 * Statements prepared once per database and SQL text: parsing the same SQL for every message or every
 * stranger cost more than running it.
 */
export function preparedStatements(db: Db): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
