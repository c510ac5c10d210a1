import { describe, expect, test } from 'vitest';
import { PBT_GENERATION_LABEL, PBT_PARENT_LABEL } from '../../../algorithms/pbt/labels.js';
import { createStudy, search } from '../../../src/index.js';

describe('pbt through createStudy', () => {
  test('asked trials carry their generation and parent labels', async () => {
    const study = createStudy({
      parameters: { h: search.double({ min: 0, max: 1, step: 0.01 }) },
      objectiveType: 'maximize',
      algorithm: 'pbt',
      algorithmSettings: { suggestion_trial_dir: '/var/scriba/pbt', n_population: 5, truncation_threshold: 0.2 },
      maxTrialCount: 15,
      parallelTrialCount: 5,
      seed: 3,
    });
    const names: string[][] = [];
    for (let g = 0; g < 3; g++) {
      const asked = await Promise.all(Array.from({ length: 5 }, () => study.ask()));
      names.push(asked.map((t) => t.name));
      for (const t of asked) {
        expect(t.labels?.[PBT_GENERATION_LABEL]).toBe(String(g));
        if (g === 0) expect(t.labels?.[PBT_PARENT_LABEL]).toBeUndefined();
        else expect(names[g - 1]).toContain(t.labels?.[PBT_PARENT_LABEL]);
        study.tell(t, t.parameters.h);
      }
    }
    expect(study.done).toBe(true);
  });
});
