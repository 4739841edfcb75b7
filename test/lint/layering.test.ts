// The engine runs unchanged in Electron, the CLI, the server and tests: the lint rule that keeps Electron
// and the upper layers out of it must actually fire.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rule', () => {
  it('refuses electron and upper layers in the engine', async () => {
    expect(await problems('src/main/engine/study/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await problems('src/main/engine/study/x.ts', "import { main } from '../../cli/index.js';\nexport const a = main;\n")).toHaveLength(1);
    expect(await problems('src/main/engine/study/x.ts', "import x from '../../../renderer/src/lib/api.js';\nexport const a = x;\n")).toHaveLength(1);
  });

  it('allows them outside the engine, and engine-internal imports inside it', async () => {
    expect(await problems('src/main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await problems('src/main/engine/study/x.ts', "import { SearchSpace } from './space.js';\nexport const a = SearchSpace;\n")).toEqual([]);
  });
});
