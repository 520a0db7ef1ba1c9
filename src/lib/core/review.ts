/**
 * @file Which segment and word play at a time, for the review view (its edits: editing.ts).
 */

/** Index of the last item that has started by `time` and not yet ended, or -1. */
export function indexAt(items: ReadonlyArray<{ start: number; end: number }>, time: number): number {
	let low = 0;
	let high = items.length - 1;
	let found = -1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (items[middle]!.start <= time) {
			found = middle;
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}
	return found >= 0 && time < items[found]!.end ? found : -1;
}
