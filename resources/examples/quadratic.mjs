// A toy trial for trying Nightshift with nothing but Node: "trains" for a few steps towards a loss that
// depends on the parameters, reporting each step the way any trial script does.
const arg = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const x = Number(arg('x'));
const y = Number(arg('y'));
const kind = arg('kind');
const steps = Number(process.env.NIGHTSHIFT_BUDGET ?? 5);

const final = (x - 1.5) ** 2 + Math.log10(y) ** 2 + (kind === 'bumpy' ? 0.5 + 0.3 * Math.sin(5 * x) : 0);
for (let step = 1; step <= steps; step++) {
  const loss = final + 2 / step;
  console.log(`@nightshift ${JSON.stringify({ step, loss })}`);
  await new Promise((r) => setTimeout(r, 20));
}
