/**
 * How well a score ranks outcomes: the area under the ROC curve and the
 * failure rate among the highest-scored tenth.
 */

/**
 * AUC as the Mann–Whitney statistic: the chance that a random failed renewal
 * scores above a random paid one, ties counting one half. Null without both
 * kinds of outcome.
 * Example: scores [0.9, 0.4, 0.6, 0.2] with failed [true, false, true, false] → 1.
 */
export function areaUnderCurve(scores: readonly number[], failed: readonly boolean[]): number | null {
  const order = scores.map((score, index) => ({ score, failed: failed[index]! })).sort((a, b) => a.score - b.score);
  const positives = order.filter((entry) => entry.failed).length;
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  // Mid-ranks for ties, then the rank-sum of the failed renewals.
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.score === order[start]!.score) end += 1;
    const midRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i += 1) if (order[i]!.failed) rankSum += midRank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The failure rate of the top `share` of renewals by score. Renewals tied at
 * the cut count by the share of their tie group that falls inside it, so ties
 * (the rules give whole points) never flatter or punish the list.
 * Example: scores [3, 2, 2, 1], failed [true, true, false, false], share 0.5 → (1 + 0.5) / 2 = 0.75.
 */
export function topShareFailureRate(scores: readonly number[], failed: readonly boolean[], share: number): number {
  const order = scores.map((score, index) => ({ score, failed: failed[index]! })).sort((a, b) => b.score - a.score);
  const size = Math.max(1, Math.round(order.length * share));
  let taken = 0;
  let failures = 0;
  for (let start = 0; start < order.length && taken < size; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.score === order[start]!.score) end += 1;
    const group = order.slice(start, end + 1);
    const fraction = Math.min(1, (size - taken) / group.length);
    failures += fraction * group.filter((entry) => entry.failed).length;
    taken += fraction * group.length;
    start = end + 1;
  }
  return failures / size;
}

export function failureRate(failed: readonly boolean[]): number {
  return failed.filter(Boolean).length / Math.max(1, failed.length);
}
