import fc from 'fast-check';

// Property tests draw fresh cases on every run unless SCRIBA_PROPERTY_SEED fixes them;
// .ci/run fixes it so a CI result can be reproduced exactly. A failure prints its seed and
// path either way (fast-check's report), which replays the counterexample.
const seed = process.env.SCRIBA_PROPERTY_SEED;
if (seed !== undefined && seed !== '') {
  const value = Number(seed);
  if (!Number.isSafeInteger(value)) throw new Error(`SCRIBA_PROPERTY_SEED must be an integer, got "${seed}"`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: value });
}
