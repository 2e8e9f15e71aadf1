import { validateCronExpression } from 'cron';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { linkCycles, linkProblems } from './mapping-links.js';
import { createViaProblems } from './create-via.js';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const cron = nonEmpty.superRefine((value, ctx) => {
  const result = validateCronExpression(value);
  if (!result.valid) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid cron expression "${value}": ${result.error?.message ?? 'unparseable'}`,
    });
  }
});

const duration = nonEmpty.transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 30s, 10m, 2h or 1d, got "${value}"` });
    return z.NEVER;
  }
  return ms;
});

const timeZone = nonEmpty.superRefine((value, ctx) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `unknown time zone "${value}" (use an IANA name like UTC or Europe/Moscow)`,
    });
  }
});

/** Bitrix24 drops wrong-case field names silently, so they are rejected here instead. */
const RESERVED_FIELDS = ['ID', 'ORIGINATOR_ID', 'ORIGIN_ID', 'CATEGORY_ID', 'PRODUCT_ROWS'];
const fieldName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'Bitrix24 field names are upper case, like TITLE or UF_CRM_ERP_NUMBER')
  .refine((name) => !RESERVED_FIELDS.includes(name), {
    message:
      'is set by the sync itself (ORIGINATOR_ID/ORIGIN_ID from target and key, CATEGORY_ID from target.categoryId, PRODUCT_ROWS from productRows)',
  });

export const FIELD_TYPES = [
  'string',
  'money',
  'decimal',
  'date',
  'datetime',
  'boolean',
  'integer',
  'multi',
] as const;
export const ENTITY_TYPES = ['deal', 'company', 'contact'] as const;
/** CRM multi-fields of companies and contacts (`crm_multifield`, bitrix24-api.md §5b): lists of values with IDs. */
export const MULTI_FIELDS = ['EMAIL', 'PHONE', 'WEB', 'IM', 'LINK'] as const;
export const OWNERSHIPS = ['erp', 'fillEmpty', 'createOnly'] as const;
export const DELETE_POLICIES = ['ignore', 'close', 'delete'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** `{{column}}` in a template; column names as the source returns them (alias odd names in the query). */
export const TEMPLATE_PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_$]*)\s*\}\}/g;

/** Why a template is malformed (a stray `{{` or `}}`, a placeholder that is not a column name), if it is. */
export function findTemplateProblem(template: string): string | undefined {
  const rest = template.replace(TEMPLATE_PLACEHOLDER, '');
  const at = [rest.indexOf('{{'), rest.indexOf('}}')].filter((index) => index >= 0);
  if (at.length === 0) {
    return undefined;
  }
  const near = rest.slice(Math.max(0, Math.min(...at) - 10), Math.min(...at) + 20);
  return `malformed placeholder near "${near}": write {{column_name}} (letters, digits and _)`;
}

const DATE_TYPES: readonly string[] = ['date', 'datetime'];
const TEXT_TYPES: readonly string[] = ['string', 'multi'];

const fieldSchema = z
  .strictObject({
    column: nonEmpty.optional(),
    /** A link field: the Bitrix24 ID that this mapping's link table holds for the ERP key in `column`. */
    link: nonEmpty.optional(),
    template: nonEmpty.optional(),
    value: scalar.optional(),
    map: z.record(z.string(), scalar).optional(),
    default: scalar.optional(),
    type: z.enum(FIELD_TYPES).default('string'),
    timezone: timeZone.optional(),
    valueType: z
      .string()
      .regex(/^[A-Z][A-Z_]*$/, 'a multi-field value type in upper case, like WORK, HOME or MOBILE')
      .optional(),
    maxLength: z.number().int().positive().optional(),
    truncate: z.boolean().default(true),
    ownership: z.enum(OWNERSHIPS).default('erp'),
  })
  .superRefine((field, ctx) => {
    const sources = [field.column, field.template, field.value].filter((source) => source !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'needs exactly one of column, template or value' });
    }
    if (field.link !== undefined) {
      for (const issue of linkFieldProblems(field)) {
        ctx.addIssue(issue);
      }
    }
    if (field.map !== undefined && field.column === undefined) {
      ctx.addIssue({ code: 'custom', path: ['map'], message: 'a value map needs a column to read from' });
    }
    if (field.default !== undefined && field.map === undefined) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'default applies to a value map only' });
    }
    if (field.map !== undefined && Object.keys(field.map).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['map'], message: 'needs at least one entry' });
    }
    const templateProblem = field.template === undefined ? undefined : findTemplateProblem(field.template);
    if (templateProblem !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: templateProblem });
    }
    if (field.maxLength !== undefined && !TEXT_TYPES.includes(field.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxLength'],
        message: `applies to type string or multi only, not ${field.type}`,
      });
    }
    if (field.valueType !== undefined && field.type !== 'multi') {
      ctx.addIssue({
        code: 'custom',
        path: ['valueType'],
        message: `applies to type multi only, not ${field.type}`,
      });
    }
    if (field.timezone !== undefined && !DATE_TYPES.includes(field.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['timezone'],
        message: `applies to type date or datetime only, not ${field.type}`,
      });
    }
  });

/** What a link field may not combine with: it is the linked record's ID, read through the key in `column`. */
function linkFieldProblems(field: {
  column?: string;
  map?: unknown;
  type: FieldType;
  maxLength?: number;
}): { code: 'custom'; path: PropertyKey[]; message: string }[] {
  const problems: { code: 'custom'; path: PropertyKey[]; message: string }[] = [];
  if (field.column === undefined) {
    problems.push({
      code: 'custom',
      path: ['column'],
      message: "a link needs the column holding the parent's key",
    });
  }
  if (field.map !== undefined) {
    problems.push({
      code: 'custom',
      path: ['map'],
      message: "a link sends the parent's ID; it has no value map",
    });
  }
  if (field.type !== 'string' || field.maxLength !== undefined) {
    problems.push({
      code: 'custom',
      path: ['type'],
      message: "a link's value is the parent's Bitrix24 ID: it takes no type or maxLength",
    });
  }
  return problems;
}

const keySchema = z
  .union([nonEmpty, z.array(nonEmpty).min(1, 'needs at least one column')])
  .transform((key) => (Array.isArray(key) ? key : [key]));

const sourceSchema = z
  .strictObject({
    table: nonEmpty.optional(),
    query: nonEmpty.optional(),
    key: keySchema,
    cursor: nonEmpty.optional(),
    lookback: duration.default(0),
    timezone: timeZone.default('UTC'),
    pageSize: z.number().int().min(1).max(50_000).default(1000),
  })
  .superRefine((source, ctx) => {
    if ((source.table === undefined) === (source.query === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'needs exactly one of table or query' });
    }
    if (new Set(source.key).size !== source.key.length) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'lists a column twice' });
    }
  });

/** Product row fields (`crm.deal.productrows.set`, bitrix24-api.md §5b); the rest are computed by the portal. */
export const PRODUCT_ROW_FIELDS = [
  'PRODUCT_ID',
  'PRODUCT_NAME',
  'PRICE',
  'QUANTITY',
  'DISCOUNT_TYPE_ID',
  'DISCOUNT_RATE',
  'DISCOUNT_SUM',
  'TAX_RATE',
  'TAX_INCLUDED',
  'MEASURE_CODE',
  'MEASURE_NAME',
  'SORT',
] as const;

const productRowsSchema = z
  .strictObject({
    table: nonEmpty.optional(),
    query: nonEmpty.optional(),
    /** The column holding the deal's ERP key (the order's key). */
    parent: nonEmpty,
    /** The rows' order within a deal (Bitrix24 keeps the order it is sent); ties broken by nothing else. */
    order: z
      .union([nonEmpty, z.array(nonEmpty)])
      .transform((order) => (Array.isArray(order) ? order : [order]))
      .default([]),
    /**
     * A column of the lines that moves when a line changes, comparable with `source.cursor` (both `write_date`):
     * an incremental run also re-reads the deals whose lines changed since its window started.
     */
    cursor: nonEmpty.optional(),
    fields: z
      .partialRecord(z.enum(PRODUCT_ROW_FIELDS), fieldSchema)
      .refine((fields) => Object.keys(fields).length > 0, 'needs at least one field'),
  })
  .superRefine((rows, ctx) => {
    if ((rows.table === undefined) === (rows.query === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'needs exactly one of table or query' });
    }
    for (const [name, field] of Object.entries(rows.fields)) {
      if (field.link !== undefined || field.type === 'multi' || field.ownership !== 'erp') {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', name],
          message:
            'a product row field takes a column, template or value with a type: no link, multi or ownership',
        });
      }
    }
  });

const deleteSchema = z
  .strictObject({
    policy: z.enum(DELETE_POLICIES).default('ignore'),
    stage: nonEmpty.optional(),
    maxPerRun: z.number().int().min(0).default(100),
  })
  .superRefine((policy, ctx) => {
    if (policy.policy === 'close' && policy.stage === undefined) {
      ctx.addIssue({ code: 'custom', path: ['stage'], message: 'required when policy is close (e.g. LOSE)' });
    }
    if (policy.policy !== 'close' && policy.stage !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['stage'],
        message: `applies to policy close only, not ${policy.policy}`,
      });
    }
  });

const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(100).default(5),
  backoff: duration.default(60_000),
});

export const mappingSchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/i,
        'letters, digits, - and _ only (max 63), starting with a letter or digit',
      ),
    /** The CRM entity the mapping writes; its method prefix is `crm.{entity}.*`. */
    entity: z.enum(ENTITY_TYPES).default('deal'),
    enabled: z.boolean().default(true),
    schedule: cron.optional(),
    fullSweep: cron.optional(),
    reconcile: cron.optional(),
    source: sourceSchema,
    target: z.strictObject({
      originatorId: nonEmpty,
      categoryId: z.number().int().min(0).default(0),
      /** Deal create methods in preference order (create-via.ts); unset = crm.deal.add only. */
      createVia: z.array(z.string()).optional(),
    }),
    fields: z
      .record(fieldName, fieldSchema)
      .refine((fields) => Object.keys(fields).length > 0, 'needs at least one field'),
    /** The deal's product rows, replaced as one set (`crm.deal.productrows.set`); deals only. */
    productRows: productRowsSchema.optional(),
    delete: deleteSchema.default({ policy: 'ignore', maxPerRun: 100 }),
    retry: retrySchema.default({ maxAttempts: 5, backoff: 60_000 }),
  })
  .superRefine((mapping, ctx) => {
    if (mapping.target.createVia !== undefined) {
      for (const message of createViaProblems(mapping.target.createVia, mapping.entity)) {
        ctx.addIssue({ code: 'custom', path: ['target', 'createVia'], message });
      }
    }
    if (mapping.entity !== 'deal') {
      for (const issue of clientProblems(mapping)) {
        ctx.addIssue({ code: 'custom', ...issue });
      }
      return;
    }
    if (mapping.productRows?.cursor !== undefined && mapping.source.cursor === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['productRows', 'cursor'],
        message: 'needs source.cursor: without one every run is a full sweep, which reads every line anyway',
      });
    }
    if (mapping.productRows !== undefined && mapping.source.key.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['productRows', 'parent'],
        message: `product rows name their deal by one column; source.key has ${mapping.source.key.length}`,
      });
    }
    for (const [name, field] of Object.entries(mapping.fields)) {
      if (field.type === 'multi') {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', name, 'type'],
          message: 'deals have no multi-fields (EMAIL, PHONE… belong to companies and contacts)',
        });
      }
    }
    for (const { path, stage } of constantStages(mapping)) {
      const problem = stageProblem(stage, mapping.target.categoryId);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: problem });
      }
    }
  });

/**
 * Companies and contacts: no funnel, no stages to close to, and multi-fields only as `type: multi` (a scalar
 * sent to a multi-field is refused, bitrix24-api.md §5.8 code 100).
 */
function clientProblems(mapping: {
  entity: string;
  productRows?: unknown;
  target: { categoryId: number };
  fields: Record<string, { type: FieldType }>;
  delete: { policy: DeletePolicy };
}): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  if (mapping.delete.policy === 'close') {
    problems.push({
      path: ['delete', 'policy'],
      message: `close moves a deal to a stage; a ${mapping.entity} has none (use ignore or delete)`,
    });
  }
  if (mapping.target.categoryId !== 0) {
    problems.push({
      path: ['target', 'categoryId'],
      message: `applies to deals only, not a ${mapping.entity}`,
    });
  }
  for (const [name, field] of Object.entries(mapping.fields)) {
    const multi = (MULTI_FIELDS as readonly string[]).includes(name);
    if (multi !== (field.type === 'multi')) {
      problems.push({
        path: ['fields', name, 'type'],
        message: multi
          ? `${name} is a multi-field: write type: multi (with valueType, default WORK)`
          : `type multi applies to the multi-fields ${MULTI_FIELDS.join(', ')} only`,
      });
    }
  }
  return problems;
}

/** Stage ids written as constants: STAGE_ID's value, map values and default, and delete.stage. */
function constantStages(mapping: {
  fields: Record<string, { value?: unknown; map?: Record<string, unknown>; default?: unknown }>;
  delete: { stage?: string };
}): { path: PropertyKey[]; stage: unknown }[] {
  const field = mapping.fields.STAGE_ID;
  const stages: { path: PropertyKey[]; stage: unknown }[] = [];
  if (field !== undefined) {
    const at = ['fields', 'STAGE_ID'];
    if (field.value !== undefined) {
      stages.push({ path: [...at, 'value'], stage: field.value });
    }
    for (const [key, stage] of Object.entries(field.map ?? {})) {
      stages.push({ path: [...at, 'map', key], stage });
    }
    if (field.default !== undefined) {
      stages.push({ path: [...at, 'default'], stage: field.default });
    }
  }
  if (mapping.delete.stage !== undefined) {
    stages.push({ path: ['delete', 'stage'], stage: mapping.delete.stage });
  }
  return stages;
}

/** Stages of funnel N > 0 are `CN:NAME`; the default funnel's have no prefix (bitrix24-api.md §6.1). */
function stageProblem(stage: unknown, categoryId: number): string | undefined {
  const text = String(stage);
  const prefix = /^C(\d+):/.exec(text);
  if (categoryId === 0 && prefix !== null) {
    return `"${text}" belongs to funnel ${prefix[1]}, but target.categoryId is 0 (default funnel stages have no prefix)`;
  }
  if (categoryId > 0 && prefix?.[1] !== String(categoryId)) {
    return `"${text}" is not a stage of funnel ${categoryId}: write it as C${categoryId}:${text.replace(/^C\d+:/, '')}`;
  }
  return undefined;
}

export const syncFileSchema = z
  .strictObject({
    mappings: z.array(mappingSchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.mappings.forEach((mapping, index) => {
      const first = seen.get(mapping.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['mappings', index, 'name'],
          message: `duplicate mapping name "${mapping.name}" (also mappings[${first}])`,
        });
      } else {
        seen.set(mapping.name, index);
      }
    });
    for (const issue of [...linkProblems(file.mappings), ...linkCycles(file.mappings)]) {
      ctx.addIssue({ code: 'custom', ...issue });
    }
  });

export type MappingConfig = z.output<typeof mappingSchema>;
export type FieldConfig = z.output<typeof fieldSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type DeleteConfig = z.output<typeof deleteSchema>;
export type ProductRowsConfig = z.output<typeof productRowsSchema>;
export type FieldType = (typeof FIELD_TYPES)[number];
export type EntityType = (typeof ENTITY_TYPES)[number];
export type Ownership = (typeof OWNERSHIPS)[number];
export type DeletePolicy = (typeof DELETE_POLICIES)[number];
