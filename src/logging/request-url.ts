const SECRET_PARAMS = new Set([
  'auth',
  'access_token',
  'refresh_token',
  'token',
  'code',
  'client_secret',
  'auth_id',
  'refresh_id',
]);

/** A request URL as it may be logged: values of credential-carrying query parameters replaced. */
export function redactRequestUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) {
    return url;
  }
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const name = decodeURIComponent(pair.split('=')[0] ?? '').toLowerCase();
      return SECRET_PARAMS.has(name) ? `${pair.split('=')[0]}=[redacted]` : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}
