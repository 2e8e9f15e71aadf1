import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { TestDatabase } from './database.js';

/** The MySQL/MariaDB server for specs (`mysql://root@127.0.0.1:3306/test`); CI always sets it. */
export function testMysqlUrl(): string | undefined {
  const url = process.env.TEST_MYSQL_URL;
  return url === undefined || url.trim() === '' ? undefined : url.trim();
}

/**
 * `describe` when TEST_MYSQL_URL is set, else `describe.skip` after a loud warning at load time: the skipped
 * specs show in jest's count as skipped, never as passed.
 */
export function mysqlAvailable(what: string): boolean {
  if (testMysqlUrl() !== undefined) {
    return true;
  }
  const warning =
    `[test] TEST_MYSQL_URL is not set: ${what} did NOT run (counted as skipped). ` +
    'Set TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test to run them (CI always does).';
  // Not console.warn: jest drops the console output of a skipped file when it runs several files.
  process.stderr.write(`\n${warning}\n`);
  return false;
}

function serverUrl(): string {
  const url = testMysqlUrl();
  if (url === undefined) {
    throw new Error('TEST_MYSQL_URL is not set');
  }
  return url;
}

/** A fresh utf8mb4 database of its own for one spec file on the TEST_MYSQL_URL server, dropped afterwards. */
export async function createTestMysqlDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: serverUrl() });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const connection = await mysql.createConnection({ uri: serverUrl() });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
