// Trial lineage (what each trial was made from) and the energy ledger built on it. May import only the
// study and storage types: the campaign, the reports and the API all build on this, never the reverse.
export { ancestors, byNumberIn, chainRoot, firstAttempt, parentOf, plannedLineage, promotionChain, promotionParent } from './walk.js';
export type { ByNumber, LineageNode } from './walk.js';
export { CHAIN_METRICS, ENERGY_METRIC, EnergyLedger, EnergyTotal, OWN_ENERGY_METRIC, ownEnergy, ownPart, recorded, spentTotal } from './energy.js';
export type { LedgerTrial } from './energy.js';
export { slimTrialPages, slimTrials } from './slim-trials.js';
export { LINEAGE_KINDS, originText } from '../storage/types.js';
export type { LineageKind, NewLineage, TrialLineage } from '../storage/types.js';
