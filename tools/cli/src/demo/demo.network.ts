import { DepartmentApi } from '../api/department.api';
import { networkDepartmentProfile } from '../api/profile.resolver';
import { CliCommandError, CliInputError, EXIT_UNAVAILABLE } from '../cli.context';
import { callNetworkControl } from '../network/network-control.client';
import { readNetworkFile, type NetworkDepartmentEntry, type NetworkFile } from '../network/network-file';

/** The running local network as the demo sees it: its file and an API per department. */
export class DemoNetwork {
  private constructor(
    readonly dataDir: string,
    private file: NetworkFile,
  ) {}

  /** The network of `dataDir` (`accord up` must have written it). */
  static open(dataDir: string): DemoNetwork {
    const file = readNetworkFile(dataDir);
    if (file === undefined) {
      throw new CliInputError(`no local network in ${dataDir}`, 'start one with `accord up` (or pass --data-dir)');
    }
    return new DemoNetwork(dataDir, file);
  }

  get channel(): string {
    return this.file.channel;
  }

  get consoleUrl(): string {
    return this.file.consoleUrl;
  }

  get founders(): readonly NetworkDepartmentEntry[] {
    return this.file.departments.filter((d) => d.founder);
  }

  has(id: string): boolean {
    return this.file.departments.some((d) => d.id === id);
  }

  api(id: string): DepartmentApi {
    const entry = this.file.departments.find((d) => d.id === id);
    if (entry === undefined) throw new CliInputError(`department ${id} is not in the network`);
    return new DepartmentApi(networkDepartmentProfile(entry, this.dataDir, this.file.channel));
  }

  /** Starts one more department in the running network through its control API. */
  async addDepartment(id: string): Promise<void> {
    const response = await callNetworkControl(this.dataDir, this.file, 'POST', '/v1/network/departments', { id });
    if (response.status !== 201) {
      throw new CliCommandError(`the network did not add ${id}: ${await response.text()}`, EXIT_UNAVAILABLE);
    }
    this.file = readNetworkFile(this.dataDir) ?? this.file;
  }
}
