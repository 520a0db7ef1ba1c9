/** @file Audio facts every path agrees on: Whisper hears 16 kHz mono. */
export const SAMPLE_RATE = 16_000;
