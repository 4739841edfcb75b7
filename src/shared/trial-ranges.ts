// Trial numbers written as ranges ("#0-#4, #7, #9-#12"): the report's provenance groups and the transfer
// prior's description both name sets of trials that are mostly consecutive.

/** Sorted, de-duplicated ranges; past `maxParts` ranges the rest is counted ("and 3 more ranges"). */
export function trialRanges(numbers: readonly number[], maxParts = Infinity): string {
  const ns = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    parts.push(j > i ? `#${ns[i]}-#${ns[j]}` : `#${ns[i]}`);
    i = j + 1;
  }
  return parts.length <= maxParts ? parts.join(', ') : `${parts.slice(0, maxParts).join(', ')} and ${parts.length - maxParts} more ranges`;
}
