import { nightshiftHome } from '../engine/paths.js';
import { loadSettings, SettingsError, type Settings } from '../engine/settings.js';
import { CliError, EXIT } from './errors.js';

export function loadSettingsForCli(): Settings {
  try {
    return loadSettings(nightshiftHome());
  } catch (e) {
    if (e instanceof SettingsError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
}
