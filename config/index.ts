/** The config library: schema, loader, naming and the jurisdiction table. */
export * from './catalog';
export * from './config-error';
export * from './features';
export * from './jurisdictions';
export * from './lifecycle';
export * from './loader';
export * from './naming';
export * from './schema';
export * from './subprocessors';
export * from './workload-secrets';
