import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { SyncCursor } from './entities/sync-cursor.entity.js';
import type { CursorPosition } from './entities/sync-run.entity.js';

@Injectable()
export class SyncCursorRepository {
  private readonly cursors: Repository<SyncCursor>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.cursors = dataSource.getRepository(SyncCursor);
  }

  async get(mapping: string): Promise<CursorPosition | null> {
    const cursor = await this.cursors.findOneBy({ mapping });
    return cursor ? { value: cursor.value, key: cursor.erpKey } : null;
  }
}
