import { crmField as f, READ_ONLY as RO, type CrmFieldDef } from './deal-fields.js';

/**
 * `crm.company.fields` / `crm.contact.fields` (bitrix24-api.md §5b; docs `api-reference/crm/companies/
 * crm-company-fields.md`, `.../contacts/crm-contact-fields.md`) without the multi-fields, which
 * multi-fields.ts keeps apart. File fields (LOGO, PHOTO) and PARENT_ID_* links are not emulated.
 */
const address = (prefix: string, title: string): CrmFieldDef[] => [
  f(prefix, 'string', title),
  f(`${prefix}_2`, 'string', `${title} (line 2)`),
  f(`${prefix}_CITY`, 'string', `${title} city`),
  f(`${prefix}_POSTAL_CODE`, 'string', `${title} postal code`),
  f(`${prefix}_REGION`, 'string', `${title} region`),
  f(`${prefix}_PROVINCE`, 'string', `${title} province`),
  f(`${prefix}_COUNTRY`, 'string', `${title} country`),
  f(`${prefix}_COUNTRY_CODE`, 'string', `${title} country code`),
  f(`${prefix}_LOC_ADDR_ID`, 'integer', `${title} location ID`),
];

/** Fields companies and contacts have alike: audit, ownership, external source, UTM. */
const CLIENT_COMMON_FIELDS: readonly CrmFieldDef[] = [
  f('COMMENTS', 'string', 'Comment'),
  f('OPENED', 'char', 'Available to everyone'),
  f('HAS_PHONE', 'char', 'Phone set', RO),
  f('HAS_EMAIL', 'char', 'E-mail set', RO),
  f('HAS_IMOL', 'char', 'Open channel set', RO),
  f('ASSIGNED_BY_ID', 'user', 'Responsible person'),
  f('CREATED_BY_ID', 'user', 'Created by', RO),
  f('MODIFY_BY_ID', 'user', 'Modified by', RO),
  f('DATE_CREATE', 'datetime', 'Created on', RO),
  f('DATE_MODIFY', 'datetime', 'Modified on', RO),
  f('LEAD_ID', 'crm_lead', 'Lead', RO),
  f('ORIGINATOR_ID', 'string', 'External source'),
  f('ORIGIN_ID', 'string', 'Identifier in external source'),
  f('ORIGIN_VERSION', 'string', 'Original version'),
  f('UTM_SOURCE', 'string', 'Ad system'),
  f('UTM_MEDIUM', 'string', 'Medium'),
  f('UTM_CAMPAIGN', 'string', 'Ad campaign UTM'),
  f('UTM_CONTENT', 'string', 'Campaign contents'),
  f('UTM_TERM', 'string', 'Campaign search term'),
  f('LAST_ACTIVITY_TIME', 'datetime', 'Last activity', RO),
  f('LAST_ACTIVITY_BY', 'user', 'Last activity by', RO),
];

export const SYSTEM_COMPANY_FIELDS: readonly CrmFieldDef[] = [
  f('ID', 'integer', 'ID', RO),
  f('TITLE', 'string', 'Company name'),
  f('COMPANY_TYPE', 'crm_status', 'Company type', { statusType: 'COMPANY_TYPE' }),
  ...address('ADDRESS', 'Address'),
  f('ADDRESS_LEGAL', 'string', 'Legal address'),
  ...address('REG_ADDRESS', 'Legal address'),
  f('BANKING_DETAILS', 'string', 'Banking details'),
  f('INDUSTRY', 'crm_status', 'Industry', { statusType: 'INDUSTRY' }),
  f('EMPLOYEES', 'crm_status', 'Employees', { statusType: 'EMPLOYEES' }),
  f('CURRENCY_ID', 'crm_currency', 'Currency'),
  f('REVENUE', 'double', 'Annual revenue'),
  f('IS_MY_COMPANY', 'char', 'My company'),
  f('CONTACT_ID', 'crm_contact', 'Contact', { multiple: true, writeOnly: true }),
  ...CLIENT_COMMON_FIELDS,
];

export const SYSTEM_CONTACT_FIELDS: readonly CrmFieldDef[] = [
  f('ID', 'integer', 'ID', RO),
  f('HONORIFIC', 'crm_status', 'Salutation', { statusType: 'HONORIFIC' }),
  f('NAME', 'string', 'First name'),
  f('SECOND_NAME', 'string', 'Middle name'),
  f('LAST_NAME', 'string', 'Last name'),
  f('BIRTHDATE', 'date', 'Date of birth'),
  f('TYPE_ID', 'crm_status', 'Contact type', { statusType: 'CONTACT_TYPE' }),
  f('SOURCE_ID', 'crm_status', 'Source', { statusType: 'SOURCE' }),
  f('SOURCE_DESCRIPTION', 'string', 'Source information'),
  f('POST', 'string', 'Position'),
  ...address('ADDRESS', 'Address'),
  f('EXPORT', 'char', 'Participates in export'),
  f('COMPANY_ID', 'crm_company', 'Company'),
  f('COMPANY_IDS', 'crm_company', 'Companies', { multiple: true, writeOnly: true }),
  ...CLIENT_COMMON_FIELDS,
];
