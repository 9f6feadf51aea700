import type { FactoryProvider } from '@nestjs/common';
import { loadDepartmentSigner, SERVICE_CONFIG, type DepartmentSigner } from '@accord/service-kit';
import type { CatalogConfig } from '../catalog.config';

/** Nest token of the catalog's department signer (registrations, requests and quality feedback are signed with it). */
export const DEPARTMENT_SIGNER = 'catalog:department-signer';

/** The department key from ACCORD_KEYS_FILE, or the embedded layout's key file (created on first use). */
export const departmentSignerProvider: FactoryProvider<Promise<DepartmentSigner>> = {
  provide: DEPARTMENT_SIGNER,
  inject: [SERVICE_CONFIG],
  useFactory: (config: CatalogConfig) => loadDepartmentSigner(config),
};
