import { ConfigError } from '../../config/config.error.js';
import type {
  DeletePolicy,
  EntityType,
  FieldConfig,
  FieldType,
  MappingConfig,
  Ownership,
} from '../../config/mapping.schema.js';
import type { ErpValue } from '../../erp/erp-row.js';
import { unstorableTextReason } from '../../erp/storable-text.js';
import { convertValue, type ConversionOptions } from './field-value.js';
import {
  IDENTITY_FIELD_TYPES,
  InvalidValue,
  MappingErrorCode,
  textOf,
  type Converted,
  type FieldTypes,
} from './mapped-payload.js';
import { PRODUCT_ROWS } from './product-rows.js';
import { parseTemplate, renderTemplate } from './template-text.js';

type RowValues = Readonly<Record<string, ErpValue>>;

/** One field, ready to evaluate against rows. */
export interface CompiledField {
  readonly name: string;
  readonly type: FieldType;
  readonly ownership: Ownership;
  /** A multi-field's value type (`WORK`, `HOME`…): the one value of that type the mapping owns. */
  readonly valueType?: string;
  /** A link field: `evaluate` gives the parent's ERP key, which mapRow resolves to the parent's Bitrix24 ID. */
  readonly link?: string;
  /** The source columns the field reads. */
  readonly columns: readonly string[];
  /** The Bitrix24 value, or the rule it broke with the column and value named. */
  readonly evaluate: (values: RowValues) => Converted;
}

export interface PayloadSlot {
  readonly name: string;
  readonly type: FieldType;
  readonly field: CompiledField | undefined;
}

/** A mapping prepared once per run: templates parsed, constants and value maps converted. */
export interface CompiledMapping {
  readonly name: string;
  readonly entity: EntityType;
  readonly originatorId: string;
  readonly categoryId: number;
  /** Decides whether a removed link whose row comes back is re-created (`delete`) or updated (closed deal). */
  readonly deletePolicy: DeletePolicy;
  /** Sorted by name. */
  readonly fields: readonly CompiledField[];
  /** Every payload key in sorted order with its field (none for ORIGINATOR_ID, ORIGIN_ID, CATEGORY_ID). */
  readonly payloadOrder: readonly PayloadSlot[];
  /** Every payload field's type, ORIGINATOR_ID, ORIGIN_ID and CATEGORY_ID included. */
  readonly fieldTypes: FieldTypes;
  /** Every source column a field reads, sorted. */
  readonly columns: readonly string[];
  /** The link fields, by name. */
  readonly links: readonly CompiledField[];
  /** The deal's product rows: one payload value, `PRODUCT_ROWS` (see product-rows.ts). */
  readonly productRows?: CompiledProductRows;
}

export interface CompiledProductRows {
  readonly source: { readonly table?: string; readonly query?: string };
  /** The column holding the deal's ERP key. */
  readonly parent: string;
  readonly order: readonly string[];
  /** Moves when a line changes (see productRows.cursor). */
  readonly cursor?: string;
  /** Sorted by name. */
  readonly fields: readonly CompiledField[];
}

/**
 * Prepares a validated mapping for evaluation. Throws ConfigError listing every constant or value-map
 * entry that its field type rejects, each with its YAML path (`mappings[0].fields.STAGE_ID.map.draft`).
 */
export function compileMapping(mapping: MappingConfig, index?: number): CompiledMapping {
  const prefix = index === undefined ? `mapping "${mapping.name}"` : `mappings[${index}]`;
  const problems: string[] = [];
  const fields = Object.keys(mapping.fields)
    .sort()
    .map((name) =>
      compileField(name, mapping.fields[name], mapping.source.timezone, (path, message) =>
        problems.push(`${prefix}.fields.${name}${path}: ${message}`),
      ),
    );
  const productRows = compileProductRows(mapping, (path, message) =>
    problems.push(`${prefix}.productRows.fields.${path}: ${message}`),
  );
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const fieldTypes: Record<string, FieldType> = identityFieldTypes(mapping.entity);
  if (productRows !== undefined) {
    fieldTypes[PRODUCT_ROWS] = 'string';
  }
  for (const field of fields) {
    fieldTypes[field.name] = field.type;
  }
  return {
    name: mapping.name,
    entity: mapping.entity,
    originatorId: mapping.target.originatorId,
    categoryId: mapping.target.categoryId,
    deletePolicy: mapping.delete.policy,
    fields,
    payloadOrder: Object.keys(fieldTypes)
      .sort()
      .map((name) => ({ name, type: fieldTypes[name], field: fields.find((field) => field.name === name) })),
    fieldTypes,
    columns: [...new Set(fields.flatMap((field) => field.columns))].sort(),
    links: fields.filter((field) => field.link !== undefined),
    ...(productRows === undefined ? {} : { productRows }),
  };
}

/** Problems for columns the mapping reads that the source does not return (names are case-sensitive). */
export function findMissingColumns(mapping: CompiledMapping, available: readonly string[]): string[] {
  const present = new Set(available);
  return mapping.fields.flatMap((field) =>
    field.columns
      .filter((column) => !present.has(column))
      .map(
        (column) =>
          `mapping "${mapping.name}": fields.${field.name} reads column "${column}", which the source does not return`,
      ),
  );
}

function compileProductRows(mapping: MappingConfig, report: Report): CompiledProductRows | undefined {
  const config = mapping.productRows;
  if (config === undefined) {
    return undefined;
  }
  const fields = Object.keys(config.fields)
    .sort()
    .map((name) =>
      compileField(
        name,
        config.fields[name as keyof typeof config.fields] as FieldConfig,
        mapping.source.timezone,
        (path, message) => report(`${name}${path}`, message),
      ),
    );
  return {
    source: { table: config.table, query: config.query },
    parent: config.parent,
    order: config.order,
    ...(config.cursor === undefined ? {} : { cursor: config.cursor }),
    fields,
  };
}

/** Companies and contacts have no funnel: CATEGORY_ID is a deal's identity field only. */
function identityFieldTypes(entity: EntityType): Record<string, FieldType> {
  return entity === 'deal'
    ? { ...IDENTITY_FIELD_TYPES }
    : { ORIGINATOR_ID: IDENTITY_FIELD_TYPES.ORIGINATOR_ID, ORIGIN_ID: IDENTITY_FIELD_TYPES.ORIGIN_ID };
}

type Report = (path: string, message: string) => void;

function compileField(name: string, config: FieldConfig, sourceZone: string, report: Report): CompiledField {
  const options: ConversionOptions = {
    zones: { read: sourceZone, write: config.timezone ?? sourceZone },
    text: { maxLength: config.maxLength, truncate: config.truncate },
  };
  const convert = (value: unknown) => convertValue(config.type, value, options);
  const base = {
    name,
    type: config.type,
    ownership: config.ownership,
    ...(config.type === 'multi' ? { valueType: config.valueType ?? 'WORK' } : {}),
  };
  if (config.value !== undefined) {
    const constant = convert(config.value);
    if (constant instanceof InvalidValue) {
      report('.value', `${quote(config.value)} is not a valid ${config.type}: ${constant.rule}`);
    }
    return { ...base, columns: [], evaluate: () => constant };
  }
  if (config.template !== undefined) {
    return { ...base, ...compileTemplate(config.template, convert, report) };
  }
  if (config.link !== undefined) {
    return compileLink(name, config.link, config.column ?? '', config.ownership);
  }
  const column = config.column ?? '';
  const read = config.map === undefined ? convert : compileValueMap(column, config, convert, report);
  return {
    ...base,
    columns: [column],
    evaluate: (values) => {
      const raw = values[column];
      if (raw === undefined) {
        return missingColumn(column);
      }
      const converted = read(raw);
      return converted instanceof InvalidValue
        ? explain(converted, `column "${column}" value`, raw)
        : converted;
    },
  };
}

/**
 * A link field's value is the parent's Bitrix24 ID, compared as an integer; evaluated here it is the parent's
 * ERP key as text (the key's form, see erp-key.ts), or null when the column is NULL or blank.
 */
function compileLink(name: string, link: string, column: string, ownership: Ownership): CompiledField {
  return {
    name,
    type: 'integer',
    ownership,
    link,
    columns: [column],
    evaluate: (values) => {
      const raw = values[column];
      if (raw === undefined) {
        return missingColumn(column);
      }
      const key = raw === null ? '' : String(raw);
      return key.trim() === '' ? null : key;
    },
  };
}

function compileTemplate(
  template: string,
  convert: (value: unknown) => Converted,
  report: Report,
): Pick<CompiledField, 'columns' | 'evaluate'> {
  const parsed = parseTemplate(template);
  if (typeof parsed === 'string') {
    report('.template', parsed);
    return { columns: [], evaluate: () => null };
  }
  const columns = parsed.columns;
  return {
    columns: [...new Set(columns)],
    evaluate: (values) => {
      const parts: ErpValue[] = [];
      for (const column of columns) {
        const raw = values[column];
        if (raw === undefined) {
          return missingColumn(column);
        }
        const unstorable = typeof raw === 'string' ? unstorableTextReason(raw) : undefined;
        if (unstorable !== undefined) {
          return explain(
            new InvalidValue(MappingErrorCode.UnstorableText, unstorable),
            `column "${column}" value`,
            raw,
          );
        }
        parts.push(raw);
      }
      const text = renderTemplate(parsed, parts);
      const converted = convert(text);
      return converted instanceof InvalidValue ? explain(converted, 'template result', text) : converted;
    },
  };
}

function compileValueMap(
  column: string,
  config: FieldConfig,
  convert: (value: unknown) => Converted,
  report: Report,
): (raw: ErpValue) => Converted {
  const entries = new Map<string, Converted>();
  for (const [key, target] of Object.entries(config.map ?? {})) {
    const converted = convert(target);
    if (converted instanceof InvalidValue) {
      report(`.map.${key}`, `${quote(target)} is not a valid ${config.type}: ${converted.rule}`);
    }
    entries.set(key, converted);
  }
  const fallback = config.default === undefined ? undefined : convert(config.default);
  if (fallback instanceof InvalidValue) {
    report('.default', `${quote(config.default)} is not a valid ${config.type}: ${fallback.rule}`);
  }
  const allowed = [...entries.keys()].join(', ');
  return (raw) => {
    const mapped = raw === null ? undefined : entries.get(String(raw));
    if (mapped !== undefined) {
      return mapped;
    }
    return (
      fallback ??
      new InvalidValue(
        MappingErrorCode.UnmappedValue,
        `not in the value map (allowed: ${allowed}) and the field has no default`,
      )
    );
  };
}

function missingColumn(column: string): InvalidValue {
  return new InvalidValue(
    MappingErrorCode.MissingColumn,
    `column "${column}" is not in the source row (names are case-sensitive; check the SELECT list)`,
  );
}

/** Puts the source and the value in front of the rule: `column "amount" value "12,50": decimal comma …`. */
function explain(invalid: InvalidValue, source: string, raw: unknown): InvalidValue {
  return new InvalidValue(invalid.code, `${source} ${quote(raw)}: ${invalid.rule}`);
}

/** A value for a message: strings quoted and cut at 80 characters, NULL spelled out. */
export function quote(value: unknown): string {
  if (value === null || value === undefined) {
    return 'NULL';
  }
  if (typeof value !== 'string') {
    return textOf(value);
  }
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
