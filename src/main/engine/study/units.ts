// Durations and energies as people write them in study files ("8h", "1h30m", "2kWh"), normalized to
// seconds and joules so the engine never re-parses units. Invalid input throws a RangeError whose message
// shows valid examples; the spec validator turns it into an issue at the right path.

const DURATION_EXAMPLES = 'write e.g. 45s, 90m, 8h, 1h30m, 2d, 500ms or a number of seconds';
const ENERGY_EXAMPLES = 'write e.g. 2kWh, 500Wh, 1.5MJ, 300kJ, 100J or a number of joules';

const DURATION_UNITS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
};

const ENERGY_UNITS: Record<string, number> = {
  j: 1,
  kj: 1e3,
  mj: 1e6,
  wh: 3600,
  kwh: 3.6e6,
};

const NUMBER = String.raw`\d+(?:\.\d+)?|\.\d+`;
const PLAIN_NUMBER = new RegExp(`^(?:${NUMBER})$`);
const DURATION_PART = new RegExp(`(${NUMBER})\\s*([a-z]+)\\s*`, 'gy');
const ENERGY = new RegExp(`^(${NUMBER}(?:e[+-]?\\d+)?)\\s*([a-z]+)$`);

/** "8h", "90m", "1h30m", "45s", "2d", "500ms" or a number of seconds → seconds (> 0, finite). */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') return positive(input, String(input), 'duration', DURATION_EXAMPLES);
  const text = input.trim().toLowerCase();
  if (text.startsWith('-')) throw new RangeError(`${JSON.stringify(input)} is negative; a duration must be > 0 (${DURATION_EXAMPLES})`);
  if (PLAIN_NUMBER.test(text)) return positive(Number(text), input, 'duration', DURATION_EXAMPLES);
  let total = 0;
  let matched = 0;
  DURATION_PART.lastIndex = 0;
  for (let m = DURATION_PART.exec(text); m !== null; m = DURATION_PART.exec(text)) {
    const factor = DURATION_UNITS[m[2]!];
    if (factor === undefined) {
      throw new RangeError(`${JSON.stringify(input)}: unknown time unit "${m[2]}"; ${DURATION_EXAMPLES}`);
    }
    total += Number(m[1]) * factor;
    matched = DURATION_PART.lastIndex;
  }
  if (text === '' || matched !== text.length) {
    throw new RangeError(`${JSON.stringify(input)} is not a duration; ${DURATION_EXAMPLES}`);
  }
  return positive(total, input, 'duration', DURATION_EXAMPLES);
}

/** "2kWh", "500Wh", "1.5MJ", "300kJ", "100J" or a number of joules → joules (> 0, finite). */
export function parseEnergy(input: string | number): number {
  if (typeof input === 'number') return positive(input, String(input), 'energy', ENERGY_EXAMPLES);
  const text = input.trim().toLowerCase();
  if (text.startsWith('-')) throw new RangeError(`${JSON.stringify(input)} is negative; an energy must be > 0 (${ENERGY_EXAMPLES})`);
  if (PLAIN_NUMBER.test(text)) return positive(Number(text), input, 'energy', ENERGY_EXAMPLES);
  const m = ENERGY.exec(text);
  if (!m) throw new RangeError(`${JSON.stringify(input)} is not an energy; ${ENERGY_EXAMPLES}`);
  const factor = ENERGY_UNITS[m[2]!];
  if (factor === undefined) throw new RangeError(`${JSON.stringify(input)}: unknown energy unit "${m[2]}"; ${ENERGY_EXAMPLES}`);
  return positive(Number(m[1]) * factor, input, 'energy', ENERGY_EXAMPLES);
}

function positive(value: number, shown: string, what: string, examples: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${shown} is not a finite ${what}; ${examples}`);
  if (value <= 0) throw new RangeError(`${JSON.stringify(shown)}: ${what === 'energy' ? 'an' : 'a'} ${what} must be > 0; ${examples}`);
  return value;
}

const SIZE_EXAMPLES = 'write e.g. 500MB, 2GB, 1.5GiB or a number of bytes (0 turns the guard off)';
// Decimal units as disks are sold and `df -H` prints them; the binary ones for those who think in GiB.
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};
const SIZE = new RegExp(`^(${NUMBER})\\s*([a-z]+)$`);

/** "500MB", "2GB", "1.5GiB" or a number of bytes → bytes (>= 0, finite, whole). */
export function parseSize(input: string | number): number {
  const text = String(input).trim().toLowerCase();
  if (text.startsWith('-')) throw new RangeError(`${JSON.stringify(input)} is negative; a size must be >= 0 (${SIZE_EXAMPLES})`);
  let bytes: number;
  if (typeof input === 'number' || PLAIN_NUMBER.test(text)) bytes = Number(text);
  else {
    const m = SIZE.exec(text);
    if (!m) throw new RangeError(`${JSON.stringify(input)} is not a size; ${SIZE_EXAMPLES}`);
    const factor = SIZE_UNITS[m[2]!];
    if (factor === undefined) throw new RangeError(`${JSON.stringify(input)}: unknown size unit "${m[2]}"; ${SIZE_EXAMPLES}`);
    bytes = Number(m[1]) * factor;
  }
  if (!Number.isFinite(bytes)) throw new RangeError(`${JSON.stringify(input)} is not a finite size; ${SIZE_EXAMPLES}`);
  return Math.round(bytes);
}

/** Bytes as people read them: "1.2 GB", "340 MB" (decimal units, as parseSize reads them). */
export function formatSize(bytes: number): string {
  const units: [string, number][] = [
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['kB', 1e3],
  ];
  for (const [u, f] of units) if (bytes >= f) return `${+(bytes / f).toFixed(bytes / f >= 100 ? 0 : 1)} ${u}`;
  return `${bytes} B`;
}

/** Joules as J, Wh or kWh, whichever reads best (budget messages). */
export function formatEnergy(j: number): string {
  return j >= 3.6e6 ? `${+(j / 3.6e6).toFixed(3)} kWh` : j >= 3600 ? `${+(j / 3600).toFixed(3)} Wh` : `${+j.toFixed(1)} J`;
}
