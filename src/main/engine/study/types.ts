// The study specification types live in src/shared/spec.ts, because the API and the dashboard read the
// spec too; the engine keeps importing them from its study folder, where they are parsed and validated.
export type * from '../../../shared/spec.js';
