import { Injectable } from '@nestjs/common';
import type { JsonObject } from '@accord/protocol';
import { datasetId, parseOdrlPolicy } from '@accord/rules';
import { ActionDirectory, type DirectoryDataset } from '../signing/action-directory.repository';
import { ActionInputError, ActionRefusedError } from '../catalog.errors';
import { CatalogTxSubmitter, type SubmittedTx } from '../signing/catalog-tx.submitter';
import type { DeprecateBody, RegisterBody, UpdateBody } from './registration.dto';

/** A registration, update or deprecation signed and published: the tx and the dataset it is about. */
export interface SubmittedDatasetTx extends SubmittedTx {
  /** `<owner>/<name>`. */
  readonly dataset: string;
  /** dataset.update: the version it registers. */
  readonly version?: number;
}

/**
 * The provider's dataset actions (docs/catalog-actions.md "Registration"):
 * checks what the rules would reject against the directory and the ODRL
 * subset, then signs dataset.register / update / deprecate as the
 * department. The directory is the projection of committed blocks: a tx
 * published but not yet committed is not in it, so the rules still have the
 * last word (e.g. two registrations of one name in flight: the second is
 * rejected `dataset_exists` in its block).
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly directory: ActionDirectory,
    private readonly txs: CatalogTxSubmitter,
  ) {}

  async register(channel: string, body: RegisterBody): Promise<SubmittedDatasetTx> {
    const owner = this.txs.department;
    const id = datasetId(owner, body.name);
    checkPolicy(body.policy, owner, id);
    const existing = await this.directory.find(id);
    if (existing !== undefined)
      throw new ActionRefusedError(
        'dataset_exists',
        `dataset ${id} is already registered (on ${existing.channel}); dataset ids are never reused`,
        { dataset: id, channel: existing.channel, status: existing.status },
      );
    const submitted = await this.txs.submit(channel, 'dataset.register', body as unknown as JsonObject);
    return { ...submitted, dataset: id };
  }

  async update(owner: string, name: string, body: UpdateBody): Promise<SubmittedDatasetTx> {
    const dataset = await this.ownActive(owner, name);
    const version = body.version ?? dataset.version + 1;
    if (version !== dataset.version + 1)
      throw new ActionRefusedError(
        'version_not_next',
        `version ${version} of ${dataset.id} is not the next one: the current version is ${dataset.version}`,
        { dataset: dataset.id, version, current: dataset.version },
      );
    if (body.policy !== undefined) checkPolicy(body.policy, owner, dataset.id);
    const payload = { ...body, dataset: dataset.id, version };
    const submitted = await this.txs.submit(dataset.channel, 'dataset.update', payload as unknown as JsonObject);
    return { ...submitted, dataset: dataset.id, version };
  }

  async deprecate(owner: string, name: string, body: DeprecateBody): Promise<SubmittedDatasetTx> {
    const dataset = await this.ownActive(owner, name);
    const payload = { dataset: dataset.id, ...(body?.reason === undefined ? {} : { reason: body.reason }) };
    const submitted = await this.txs.submit(dataset.channel, 'dataset.deprecate', payload);
    return { ...submitted, dataset: dataset.id };
  }

  /** Only the owner updates or deprecates (not_owner, as the rules), and only an active dataset. */
  private async ownActive(owner: string, name: string): Promise<DirectoryDataset> {
    const id = datasetId(owner, name);
    if (owner !== this.txs.department)
      throw new ActionRefusedError('not_owner', `dataset ${id} belongs to ${owner}, not to ${this.txs.department}`, {
        dataset: id,
        owner,
      });
    const dataset = await this.directory.get(id);
    if (dataset.status !== 'active')
      throw new ActionRefusedError('dataset_deprecated', `dataset ${id} is deprecated`, { dataset: id });
    return dataset;
  }
}

/** The policy must be in Accord's ODRL subset, with the dataset's owner and id (400 invalid_policy with every issue). */
function checkPolicy(policy: unknown, owner: string, dataset: string): void {
  const parsed = parseOdrlPolicy(policy, { owner, dataset });
  if (!parsed.ok)
    throw new ActionInputError('invalid_policy', parsed.message, {
      issues: parsed.issues.map((i) => ({
        field: i.path === '(root)' ? 'body.policy' : `body.policy.${i.path}`,
        reason: i.message,
      })),
    });
}
