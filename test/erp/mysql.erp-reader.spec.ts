import { describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import { mysqlDialect } from '../../src/erp/sql-dialect.js';
import type { TestDatabase } from '../support/database.js';
import { createTestMysqlDatabase, mysqlAvailable } from '../support/mysql.js';
import { erpReaderScenarios } from './erp-reader.scenarios.js';
import { readerFor, type ErpTestDriver } from './erp-test.driver.js';

let database: TestDatabase | undefined;
let admin: mysql.Connection | undefined;

const connected = (): mysql.Connection => {
  if (admin === undefined) {
    throw new Error('the MySQL driver is not set up');
  }
  return admin;
};

const DIGITS =
  '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 ' +
  'UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';

/** 1…count from cross-joined digits (MySQL has no generate_series; recursive CTEs are capped at 1000 by default). */
function series(count: number): string {
  const places = Math.max(1, Math.ceil(Math.log10(count + 1)));
  const aliases = Array.from({ length: places }, (_, index) => `p${index}`);
  const value = aliases.map((alias, index) => `${alias}.d * ${10 ** index}`).join(' + ');
  const from = aliases.map((alias) => `${DIGITS} AS ${alias}`).join(' CROSS JOIN ');
  return `SELECT n FROM (SELECT ${value} + 1 AS n FROM ${from}) AS numbers WHERE n <= ${count}`;
}

const mariadb: ErpTestDriver = {
  name: 'MySQL/MariaDB',
  dialect: 'mysql',
  async setUp() {
    database = await createTestMysqlDatabase('erp');
    admin = await mysql.createConnection({ uri: database.url, charset: 'utf8mb4' });
    return database.url;
  },
  async tearDown() {
    await admin?.end();
    await database?.drop();
  },
  async exec(sql, params = []) {
    await connected().query(sql, [...params]);
  },
  async count(table) {
    const [rows] = await connected().query<mysql.RowDataPacket[]>(
      `SELECT count(*) AS n FROM ${mysqlDialect.quote(table)}`,
    );
    return Number(rows[0].n);
  },
  quote: (identifier) => mysqlDialect.quote(identifier),
  placeholder: () => '?',
  types: {
    int: 'INT',
    bigint: 'BIGINT',
    text: 'VARCHAR(191)',
    timestamp: 'DATETIME(6)',
    decimal: 'DECIMAL(30, 6)',
  },
  series,
  writingFunction: (log) =>
    `CREATE FUNCTION bump() RETURNS INT NOT DETERMINISTIC MODIFIES SQL DATA BEGIN INSERT INTO ${log} VALUES (1); RETURN 1; END`,
  sessionTimeZone: { sql: '@@session.time_zone', expected: '+00:00' },
  missingTableMessage: /Table '[^']*no_such_table' doesn't exist \(ER_NO_SUCH_TABLE\)/,
  refusedUrl(url, password) {
    const refused = new URL(url);
    refused.password = password;
    return refused.toString();
  },
  async openWalks() {
    const [rows] = await connected().query<mysql.RowDataPacket[]>(
      `SELECT p.ID AS id FROM information_schema.PROCESSLIST p
         JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID
        WHERE p.DB = DATABASE() AND p.ID <> CONNECTION_ID()`,
    );
    return rows.map((row) => Number(row.id));
  },
  async kill(sessions) {
    for (const session of sessions) {
      await connected().query(`KILL CONNECTION ${Number(session)}`);
    }
  },
};

(mysqlAvailable('the MySQL/MariaDB ERP reader specs (test/erp/mysql.erp-reader.spec.ts)')
  ? describe
  : describe.skip)('ErpRowReader on MySQL/MariaDB', () => {
  erpReaderScenarios(mariadb);

  it('connects through a mariadb:// URL too', async () => {
    const url = new URL(database?.url ?? '');
    const reader = readerFor(mariadb, `mariadb:${url.href.slice(url.protocol.length)}`);
    try {
      await expect(reader.ping()).resolves.toBeUndefined();
    } finally {
      await reader.close();
    }
  });
});
