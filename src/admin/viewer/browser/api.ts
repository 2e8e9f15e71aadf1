/** The admin JSON API, with the token this tab was given (sessionStorage only: gone when the tab closes). */
const TOKEN_KEY = 'erp-bitrix24-sync.adminToken';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value),
  forget: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

async function send(path: string, method: string, body?: unknown): Promise<Response> {
  const response = await fetch(path, {
    method,
    cache: 'no-store',
    headers: { Authorization: `Bearer ${token.get() ?? ''}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const data = (await response.json().catch(() => null)) as { message?: string | string[] } | null;
    const message = data?.message === undefined ? response.statusText : [data.message].flat().join('; ');
    if (response.status === 401) {
      token.forget();
    }
    throw new ApiError(response.status, message);
  }
  return response;
}

export async function api<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  return (await send(path, method, body)).json() as Promise<T>;
}

/** Fetches a file with the token (a plain link could not send it) and hands it to the browser as a download. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await send(path, 'GET')).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function query(params: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value) {
      search.set(name, value);
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
