import { runMain } from '@fengqiao/platform';
import { appDefinition, DEFAULT_PORT } from './app';

runMain(appDefinition, { port: DEFAULT_PORT, mode: 'distributed' });
