import { Injectable } from '@nestjs/common';
import { InjectConfig } from '../config/config.module.js';
import type { AppConfig } from '../config/config.types.js';
import { OperationAction, OperationStatus } from '../persistence/entities/sync-operation.entity.js';
import { RunMode, RunStatus, RunTrigger } from '../persistence/entities/sync-run.entity.js';
import type { ConsoleMetaView } from './admin.responses.js';
import { packageVersion } from './package-root.js';
import { portalOrigin } from './portal-links.js';

/** What the page needs besides data: the enum values (so the page never re-types them), version, portal. */
@Injectable()
export class AdminConsoleService {
  private readonly meta: ConsoleMetaView;

  constructor(@InjectConfig() config: AppConfig) {
    this.meta = {
      version: packageVersion(),
      portalOrigin: portalOrigin(config.bitrix24.auth?.portalUrl),
      runStatuses: Object.values(RunStatus),
      runTriggers: Object.values(RunTrigger),
      runModes: Object.values(RunMode),
      operationStatuses: Object.values(OperationStatus),
      operationActions: Object.values(OperationAction),
    };
  }

  describe(): ConsoleMetaView {
    return this.meta;
  }
}
