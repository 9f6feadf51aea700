import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { toStoredObject, type ObjectRow } from '../vault/stored-object';
import type { ObjectsQuery, ObjectView } from './objects.dto';

/** Most objects one list answers. */
export const MAX_LISTED_OBJECTS = 1000;

/** Reads gateway_object for the API (never showing the wrapped key). */
@Injectable()
export class ObjectsRepository {
  constructor(private readonly db: DataSource) {}

  /** Objects matching every filter given, newest first. */
  async list(query: ObjectsQuery): Promise<ObjectView[]> {
    const rows: ObjectRow[] = await this.db.query(
      `SELECT * FROM gateway_object
       WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR dataset = $2) AND ($3::text IS NULL OR status = $3)
       ORDER BY created_at DESC, object_id LIMIT $4`,
      [query.channel ?? null, query.dataset ?? null, query.status ?? null, MAX_LISTED_OBJECTS],
    );
    return rows.map(toView);
  }

  async find(objectId: string): Promise<ObjectView | undefined> {
    const rows: ObjectRow[] = await this.db.query('SELECT * FROM gateway_object WHERE object_id = $1', [objectId]);
    return rows[0] === undefined ? undefined : toView(rows[0]);
  }
}

function toView(row: ObjectRow): ObjectView {
  const { wrappedKey: _secret, ...view } = toStoredObject(row);
  return view;
}
