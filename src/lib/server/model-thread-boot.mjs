// @file Starts the model thread (model-thread.ts): a thread does not share its parent's module
// loaders, so tsx is registered here before the TypeScript entry is imported.
import { register } from 'tsx/esm/api';

register();
await import('./model-thread-entry.ts');
