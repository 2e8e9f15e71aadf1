/**
 * The REST XML transport (`.xml`): everything under `<response>`, numeric keys as `<item>`
 * (bitrix24-api.md §1.1, `outputXml`).
 */
export function toRestXml(value: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?><response>${xmlValue(value)}</response>`;
}

function xmlValue(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (Array.isArray(value)) {
    return value.map((item) => `<item>${xmlValue(item)}</item>`).join('');
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, item]) => {
        const tag = /^\d+$/.test(key) ? 'item' : key.replace(/[^A-Za-z0-9_.-]/g, '_');
        return `<${tag}>${xmlValue(item)}</${tag}>`;
      })
      .join('');
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  return typeof value === 'string' || typeof value === 'number' ? escapeXml(String(value)) : '';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
