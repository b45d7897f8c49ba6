// Medians and spread of a sample list; every figure reports these for each side.
export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => {
    const i = (s.length - 1) * q;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  return {
    median: round(at(0.5)),
    min: round(s[0]),
    max: round(s[s.length - 1]),
    p25: round(at(0.25)),
    p75: round(at(0.75)),
    samples: samples.map(round),
  };
}

export const round = (x) => Math.round(x * 100) / 100;
