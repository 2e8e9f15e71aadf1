/** Shows where a connection string points without its password: `postgres://sync:***@db:5432/state`. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
