import { DepartmentApi } from '@accord/cli';
import type { SystemDepartment } from '../system-department';

/** The CLI's HTTP client for a department of the system proof (its token, its four URLs). */
export function departmentApi(department: SystemDepartment): DepartmentApi {
  return new DepartmentApi({
    name: department.id,
    department: department.id,
    urls: department.urls,
    token: department.token,
    tokenSource: 'system-proof',
    origin: { kind: 'profiles', path: '(system-proof)' },
  });
}
