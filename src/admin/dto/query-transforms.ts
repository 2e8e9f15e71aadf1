import type { TransformFnParams } from 'class-transformer';

/** Mapping names as the mapping file allows them (mapping.schema.ts). */
export const MAPPING_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
export const MAPPING_NAME_MESSAGE = '$property must be a mapping name (letters, digits, - and _)';

/** `?status=a,b` and `?status=a&status=b` both become `['a', 'b']`. */
export function toList({ value }: TransformFnParams): unknown {
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.flatMap((item) =>
    typeof item === 'string'
      ? item
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '')
      : [item],
  );
}

/** Decimal digits only (no `0x10`, `1e3` or ` 5`), else NaN so that @IsInt rejects it. */
export function toStrictInt({ value }: TransformFnParams): unknown {
  return typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
}
