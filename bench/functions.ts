// Synthetic test functions (Surjanovic & Bingham, Virtual Library of Simulation Experiments), minimized,
// with their known optima from ../shared/bench-data/README.md.

export interface SyntheticFunction {
  name: string;
  bounds: [number, number][];
  optimum: number;
  f(x: readonly number[]): number;
}

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H3_A = [
  [3.0, 10, 30],
  [0.1, 10, 35],
  [3.0, 10, 30],
  [0.1, 10, 35],
];
const H3_P = [
  [0.3689, 0.117, 0.2673],
  [0.4699, 0.4387, 0.747],
  [0.1091, 0.8732, 0.5547],
  [0.03815, 0.5743, 0.8828],
];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

function hartmann(x: readonly number[], A: number[][], P: number[][]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < x.length; j++) inner += A[i]![j]! * (x[j]! - P[i]![j]!) ** 2;
    s += HARTMANN_ALPHA[i]! * Math.exp(-inner);
  }
  return -s;
}

export const FUNCTIONS: SyntheticFunction[] = [
  {
    name: 'branin',
    bounds: [
      [-5, 10],
      [0, 15],
    ],
    optimum: 0.397887,
    f: ([x1, x2]) => {
      const a = 1;
      const b = 5.1 / (4 * Math.PI ** 2);
      const c = 5 / Math.PI;
      return a * (x2! - b * x1! ** 2 + c * x1! - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1!) + 10;
    },
  },
  { name: 'hartmann3', bounds: Array.from({ length: 3 }, () => [0, 1]), optimum: -3.86278, f: (x) => hartmann(x, H3_A, H3_P) },
  { name: 'hartmann6', bounds: Array.from({ length: 6 }, () => [0, 1]), optimum: -3.32237, f: (x) => hartmann(x, H6_A, H6_P) },
  {
    name: 'levy5',
    bounds: Array.from({ length: 5 }, () => [-10, 10]),
    optimum: 0,
    f: (x) => {
      const w = x.map((v) => 1 + (v - 1) / 4);
      const d = w.length;
      let s = Math.sin(Math.PI * w[0]!) ** 2;
      for (let i = 0; i < d - 1; i++) s += (w[i]! - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i]! + 1) ** 2);
      s += (w[d - 1]! - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]!) ** 2);
      return s;
    },
  },
  {
    name: 'ackley5',
    bounds: Array.from({ length: 5 }, () => [-32.768, 32.768]),
    optimum: 0,
    f: (x) => {
      const d = x.length;
      const s1 = x.reduce((a, v) => a + v * v, 0) / d;
      const s2 = x.reduce((a, v) => a + Math.cos(2 * Math.PI * v), 0) / d;
      return -20 * Math.exp(-0.2 * Math.sqrt(s1)) - Math.exp(s2) + 20 + Math.E;
    },
  },
];
