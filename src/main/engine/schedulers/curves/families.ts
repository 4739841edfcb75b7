// Parametric learning-curve families, after Domhan, Springenberg & Hutter, "Speeding up Automatic
// Hyperparameter Optimization of Deep Neural Networks by Extrapolation of Learning Curves", IJCAI 2015
// (their table 1: pow3, exp3, Janoschek, MMF are four of the eleven). Each is written as
//   y(τ) = c + a·g(τ; θ)
// with τ = (step + 1) / (horizon + 1) ∈ (0, 1], so the two outer coefficients are linear (solved exactly by
// least squares for any θ) and only θ (one or two shape parameters, searched on a log scale) is nonlinear.
// Normalising time to the horizon makes the shape grids independent of how many steps a study reports, and
// makes the extrapolation target always τ = 1.

export interface CurveFamily {
  name: string;
  /** The shape parameters θ, searched as u = ln θ on a grid between these bounds. */
  shape: { name: string; lnMin: number; lnMax: number; points: number }[];
  /** g(τ; θ), the curve's shape; y = c + a·g. */
  g(tau: number, theta: readonly number[]): number;
  /** The family's usual parameters from (c, a, θ), for reading fits (e.g. a test recovering a known curve). */
  named(c: number, a: number, theta: readonly number[]): Record<string, number>;
}

const ln = Math.log;

export const CURVE_FAMILIES: readonly CurveFamily[] = [
  {
    // pow3: y = c − a·τ^(−α)
    name: 'pow3',
    shape: [{ name: 'alpha', lnMin: ln(0.05), lnMax: ln(5), points: 25 }],
    g: (tau, [alpha]) => -(tau ** -alpha!),
    named: (c, a, [alpha]) => ({ c, a, alpha: alpha! }),
  },
  {
    // exp3: y = c − a·exp(−b·τ)
    name: 'exp3',
    shape: [{ name: 'b', lnMin: ln(0.3), lnMax: ln(300), points: 25 }],
    g: (tau, [b]) => -Math.exp(-b! * tau),
    named: (c, a, [b]) => ({ c, a, b: b! }),
  },
  {
    // Janoschek: y = α − (α − β)·exp(−κ·τ^δ); c = α, a = β − α
    name: 'janoschek',
    shape: [
      { name: 'kappa', lnMin: ln(0.1), lnMax: ln(100), points: 12 },
      { name: 'delta', lnMin: ln(0.25), lnMax: ln(4), points: 9 },
    ],
    g: (tau, [kappa, delta]) => Math.exp(-kappa! * tau ** delta!),
    named: (c, a, [kappa, delta]) => ({ alpha: c, beta: c + a, kappa: kappa!, delta: delta! }),
  },
  {
    // MMF (Morgan-Mercer-Flodin): y = α − (α − β)/(1 + (κ·τ)^δ); c = α, a = β − α
    name: 'mmf',
    shape: [
      { name: 'kappa', lnMin: ln(0.5), lnMax: ln(500), points: 12 },
      { name: 'delta', lnMin: ln(0.25), lnMax: ln(4), points: 9 },
    ],
    g: (tau, [kappa, delta]) => 1 / (1 + (kappa! * tau) ** delta!),
    named: (c, a, [kappa, delta]) => ({ alpha: c, beta: c + a, kappa: kappa!, delta: delta! }),
  },
];

/** τ for a step: time as a fraction of the horizon (step + 1 so that step 0 is usable). */
export function normalisedTime(step: number, horizon: number): number {
  return (step + 1) / (horizon + 1);
}
