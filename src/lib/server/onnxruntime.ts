/**
 * @file onnxruntime-node, the runtime transformers.js runs on in Node, for the engine parts that
 * make sessions and tensors of their own (the fixed-capacity decoder). Imported the CommonJS way
 * transformers.js loads it, so tensors and sessions are of one class.
 */
import * as ort from 'onnxruntime-node';
import type { OrtClasses } from '../engine';

export const nodeOrt = ort as unknown as OrtClasses;
