import { randomBytes } from 'node:crypto';
import { SYSTEM_COMPANY_FIELDS, SYSTEM_CONTACT_FIELDS } from './client-fields.js';
import { ClientStore, IdSequence } from './client-store.js';
import { printAll, type CrmEntityName, type PrintedRecord } from './crm-entity.js';
import { crmEntityMethods } from './crm-entity.methods.js';
import { CRM_ITEM_METHODS } from './crm-item.methods.js';
import { CrmFieldMap, type Deal } from './deal-fields.js';
import { DealStore } from './deal-store.js';
import { EmulatorStatsRecorder } from './emulator-stats.js';
import {
  applyPatch,
  resolveFixedSettings,
  resolveRuntimeConfig,
  type EmulatorOptions,
  type FixedSettings,
  type RuntimeConfig,
  type RuntimeConfigPatch,
} from './emulator.options.js';
import { FaultPlan } from './faults.js';
import { admitRequest, emptyBucket, type LeakyBucketState } from './leaky-bucket.js';
import { OAuthServer } from './oauth.js';
import { OperatingBudget } from './operating-budget.js';
import { PortalCatalog } from './portal-catalog.js';
import { PORTAL_METHODS } from './portal.methods.js';
import { PRODUCT_ROW_METHODS } from './product-row.methods.js';
import { ProductRowStore } from './product-rows.js';
import { parseOffset, type PortalOffset } from './portal-time.js';
import { RestAuthenticator } from './rest-auth.js';
import { RestDispatcher } from './rest-dispatcher.js';
import { registry, type MethodServices } from './rest-method.js';
import { VirtualClock } from './virtual-clock.js';

/** The emulated portal's state and engine, independent of HTTP. */
export class EmulatorPortal {
  readonly fixed: FixedSettings;
  readonly clock: VirtualClock;
  readonly stats = new EmulatorStatsRecorder();
  readonly catalog: PortalCatalog;
  readonly fields: CrmFieldMap;
  readonly deals: DealStore;
  readonly companies: ClientStore;
  readonly contacts: ClientStore;
  readonly productRows = new ProductRowStore();
  readonly services: MethodServices;
  readonly #multiIds = new IdSequence();
  readonly oauth: OAuthServer;
  readonly budget: OperatingBudget;
  readonly dispatcher: RestDispatcher;
  readonly faultPlan: FaultPlan;
  readonly offset: PortalOffset;
  #config: RuntimeConfig;
  #bucket: LeakyBucketState;
  #origin = 'http://127.0.0.1';

  constructor(options: EmulatorOptions) {
    this.fixed = resolveFixedSettings(options);
    this.#config = resolveRuntimeConfig(options);
    this.clock = new VirtualClock(this.#config.clockSpeed);
    this.offset = parseOffset(this.fixed.timezoneOffset);
    this.catalog = new PortalCatalog(this.fixed.categories, this.fixed.currencies);
    this.fields = new CrmFieldMap(this.fixed.userFields);
    this.deals = new DealStore(this.catalog, this.fields, () => this.offset);
    this.companies = new ClientStore(
      'company',
      new CrmFieldMap([], SYSTEM_COMPANY_FIELDS),
      () => this.offset,
      this.#multiIds,
    );
    this.contacts = new ClientStore(
      'contact',
      new CrmFieldMap([], SYSTEM_CONTACT_FIELDS),
      () => this.offset,
      this.#multiIds,
    );
    this.budget = new OperatingBudget({
      limitSeconds: this.#config.operating.limitSeconds,
      minRecordedSeconds: 0.1,
    });
    this.faultPlan = new FaultPlan(this.#config.faults);
    this.#bucket = emptyBucket(this.clock.nowMs());
    this.oauth = new OAuthServer(
      {
        ...this.fixed.oauth,
        userId: this.fixed.webhook.userId,
        scopes: this.#config.scopes,
        memberId: randomBytes(16).toString('hex'),
        accessTokenLifetimeSeconds: this.fixed.accessTokenLifetimeSeconds,
        refreshTokenLifetimeSeconds: this.fixed.refreshTokenLifetimeSeconds,
      },
      () => this.clock.nowMs(),
      () => ({ portalUrl: this.#origin }),
    );
    const auth = new RestAuthenticator(
      this.fixed.webhook,
      this.oauth,
      this.catalog,
      () => this.#config.scopes,
      () => this.#config.access,
    );
    this.services = {
      deals: this.deals,
      companies: this.companies,
      contacts: this.contacts,
      productRows: this.productRows,
      fields: this.fields,
      catalog: this.catalog,
      offset: () => this.offset,
      nowMs: () => this.clock.nowMs(),
      onWrite: (method) => this.stats.write(method),
      onAutomation: () => this.stats.automation(),
    };
    this.dispatcher = new RestDispatcher(
      registry(
        crmEntityMethods('deal'),
        crmEntityMethods('company'),
        crmEntityMethods('contact'),
        PRODUCT_ROW_METHODS,
        CRM_ITEM_METHODS,
        PORTAL_METHODS,
      ),
      auth,
      this.services,
      this.budget,
      () => ({
        cloud: this.#config.cloud,
        batchCharge: this.#config.operating.batchCharge,
        methodCostSeconds: this.#config.operating.methodCostSeconds,
      }),
      (method) => this.stats.call(method),
    );
  }

  get config(): RuntimeConfig {
    return this.#config;
  }

  get origin(): string {
    return this.#origin;
  }

  set origin(origin: string) {
    this.#origin = origin;
  }

  configure(patch: RuntimeConfigPatch): RuntimeConfig {
    const next = applyPatch(this.#config, patch);
    if (next.clockSpeed !== this.clock.speed) {
      this.clock.setSpeed(next.clockSpeed);
    }
    this.budget.setLimits({ ...this.budget.limits, limitSeconds: next.operating.limitSeconds });
    this.faultPlan.update(next.faults, patch.faults?.seed !== undefined);
    this.#config = next;
    return next;
  }

  /** The leaky bucket: one unit per /rest request (a batch is one request). */
  admit(): boolean {
    const { admitted, state } = admitRequest(this.#bucket, this.#config.rateLimit, this.clock.nowMs());
    this.#bucket = state;
    return admitted;
  }

  bucketLevel(): number {
    const { state } = admitRequest(
      this.#bucket,
      { ...this.#config.rateLimit, capacity: Infinity },
      this.clock.nowMs(),
    );
    return Math.max(0, state.level - 1);
  }

  dealsAsApi(): Deal[] {
    return this.deals.all().map((deal) => this.fields.externalize(deal, this.offset));
  }

  /** Stored records as `crm.*.get` prints them. */
  recordsAsApi(entity: CrmEntityName): PrintedRecord[] {
    return printAll(this.services, entity);
  }

  /** Drops CRM data, counters, the bucket and operating state; credentials and tokens stay valid. */
  reset(): void {
    this.deals.clear();
    this.companies.clear();
    this.contacts.clear();
    this.productRows.clear();
    this.#multiIds.reset();
    this.stats.reset();
    this.budget.clear();
    this.#bucket = emptyBucket(this.clock.nowMs());
  }
}
