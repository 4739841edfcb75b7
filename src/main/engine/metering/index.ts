// Public surface of metering: the engine imports from here only.
export { Meter, type MeterSources } from './meter.js';
export { inventory, formatInventory, type InventoryOptions } from './inventory.js';
export { DEFAULT_CPU_WATTS } from './cpu-energy.js';
export { reapedCpu } from './reaped-cpu.js';
export type {
  Capability,
  CumulativeEnergy,
  GpuInfo,
  GpuSeries,
  GpuSeriesPoint,
  Inventory,
  MeasurementFlag,
  MeterOptions,
  TrialMeasurement,
  TrialMetrics,
} from './types.js';
