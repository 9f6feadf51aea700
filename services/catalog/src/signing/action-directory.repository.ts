import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatasetNotFoundError } from '../catalog.errors';

/** What an action checks of a dataset in the directory (catalog_dataset) before it signs. */
export interface DirectoryDataset {
  readonly id: string;
  readonly channel: string;
  readonly owner: string;
  readonly name: string;
  /** Current version as projected (a published update not yet committed is not counted). */
  readonly version: number;
  readonly status: 'active' | 'deprecated';
}

interface DatasetRow {
  id: string;
  channel: string;
  owner: string;
  name: string;
  version: number;
  status: 'active' | 'deprecated';
}

/** Reads of the directory projection for the actions; it never writes (the projection owns the tables). */
@Injectable()
export class ActionDirectory {
  constructor(private readonly db: DataSource) {}

  async find(id: string): Promise<DirectoryDataset | undefined> {
    const rows: DatasetRow[] = await this.db.query(
      'SELECT id, channel, owner, name, version, status FROM catalog_dataset WHERE id = $1',
      [id],
    );
    const row = rows[0];
    return row === undefined ? undefined : { ...row, version: Number(row.version) };
  }

  /** The dataset, or 404 dataset_not_found. */
  async get(id: string): Promise<DirectoryDataset> {
    const found = await this.find(id);
    if (found === undefined) throw new DatasetNotFoundError(id);
    return found;
  }

  /** The datasets among `ids` the directory holds, by id (one query for a batch of requests). */
  async findMany(ids: readonly string[]): Promise<Map<string, DirectoryDataset>> {
    if (ids.length === 0) return new Map();
    const rows: DatasetRow[] = await this.db.query(
      'SELECT id, channel, owner, name, version, status FROM catalog_dataset WHERE id = ANY($1::text[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { ...row, version: Number(row.version) }]));
  }
}
